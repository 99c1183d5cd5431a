import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe("npm and the project's configuration", () => {
  // A project .npmrc key npm does not know (onnxruntime-node-install=…, issue #21) printed a warning before every
  // npm command a newcomer ran; onnxruntime-node's install script is now turned off in package.json's allowScripts.
  it('reads it without a warning about an unknown project config', () => {
    const npm = spawnSync('npm', ['pkg', 'get', 'name'], { encoding: 'utf8' });
    expect(npm.status).toBe(0);
    expect(npm.stdout.trim()).toBe('"vigie"');
    expect(npm.stderr).not.toMatch(/project config/i);
  });
});
