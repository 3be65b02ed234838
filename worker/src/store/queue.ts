// Messages of the `jobs` queue. One queue for every background job; `type` routes the message.
export type JobMessage =
  | { type: 'rebuild'; changeId: number }
  | { type: 'ingest'; resourceId: string }
  | { type: 'vector-ingest'; resourceId: string };

export async function enqueueRebuild(queue: Queue<JobMessage>, changeId: number): Promise<void> {
  await queue.send({ type: 'rebuild', changeId });
}
