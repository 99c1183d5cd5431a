import { ApiError } from '../api';
import { knownMessage, t } from '../i18n';

/** What went wrong, in the reader's language where the code is known, else the API's own title and detail. */
export function ProblemView({ error }: { error: unknown }) {
  if (!(error instanceof ApiError)) {
    return (
      <div class="problem" role="alert">
        <p class="problem-title">{t('error.title')}</p>
        <p>{error instanceof Error ? error.message : String(error)}</p>
      </div>
    );
  }
  const problem = error;
  const known =
    problem.status === 0
      ? t('error.network')
      : problem.status === 401
        ? t('error.unauthorized')
        : problem.status === 403
          ? t('error.forbidden')
          : knownMessage('error', problem.code);
  return (
    <div class="problem" role="alert">
      <p class="problem-title">{t('error.title')}</p>
      <p>{known ?? problem.title}</p>
      {problem.detail && <p class="problem-detail">{problem.detail}</p>}
      {problem.fieldErrors.length > 0 && (
        <ul>
          {problem.fieldErrors.map((e) => (
            <li key={e.field}>
              <strong>{e.field}</strong> : {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
