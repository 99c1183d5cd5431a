/**
 * True when a conditional DynamoDB write went through, false when its condition refused it; any other failure is
 * thrown. Races (a training claimed twice, an alias moved by two people) are settled by such writes (D14).
 */
export async function written(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
