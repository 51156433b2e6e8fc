import { running } from './janus-setup';

export default async function janusTeardown(): Promise<void> {
  await running.janus?.stop();
  running.janus = null;
}
