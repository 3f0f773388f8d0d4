/**
 * The worker's V8 heap limits as deployed (the Dockerfile's NODE_OPTIONS, `npm run start:worker`): a bounded old
 * space keeps a worker near its working set (the days it has cached, their activities) instead of letting V8's lazy
 * collection grow it with the machine's memory. They apply to the workflow thread too. The season benchmark runs its
 * worker with them; test/deploy checks the Dockerfile and package.json say the same.
 */
export const WORKER_NODE_OPTIONS = '--max-old-space-size=128 --max-semi-space-size=4';
