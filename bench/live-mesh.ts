import fs from 'node:fs';
import { fmt, median, type Report } from './live-common';
import {
  firstFrame,
  framesDecoded,
  joinInBrowser,
  outboundSnapshot,
  settle,
  type Chromium,
  type GuestPage,
  type OutboundSnapshot,
  type Presenter,
} from './live-browser';
import { sleep, treeCpuSeconds } from './lib';

/**
 * The built-in engine's mesh: one presenter (camera + microphone) sends one encoded stream
 * per receiver. For each k, k guests receive; after the links settle, for `windowSeconds`:
 * the presenter's upload (outbound-rtp bytesSent growth), the receivers' decoded frame rate,
 * the presenter's browser CPU (its whole process tree) and what its encoders report.
 */

export interface MeshStep {
  receivers: number;
  uploadKbps: number;
  uploadWireKbps: number;
  perLinkKbps: number;
  receiverFpsMedian: number;
  receiverFpsMin: number;
  presenterCpu: number;
  receiversCpu: number;
  sentFps: number;
  resolutions: string;
  limitations: string;
  settleSeconds: number;
}

const loadAverage = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]!;

function describeVideo(snapshot: OutboundSnapshot): {
  resolutions: string;
  limitations: string;
  fps: number;
} {
  const count = (values: string[]) => {
    const counts = new Map<string, number>();
    for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
    return [...counts].map(([value, n]) => `${n}× ${value}`).join(', ');
  };
  return {
    resolutions: count(snapshot.video.map((video) => `${video.width}×${video.height}`)),
    limitations: count(snapshot.video.map((video) => video.limitation || 'none')),
    fps: median(snapshot.video.map((video) => video.fps)),
  };
}

export async function meshCap(
  report: Report,
  presenter: Presenter,
  presenterBrowser: Chromium,
  receiverBrowser: Chromium,
  linkUrl: string,
  steps: number[],
  windowSeconds: number,
): Promise<MeshStep[]> {
  const receivers: GuestPage[] = [];
  const results: MeshStep[] = [];
  try {
    for (const k of steps) {
      while (receivers.length < k) {
        const guest = await joinInBrowser(
          receiverBrowser.browser,
          linkUrl,
          `Receiver ${receivers.length + 1}`,
        );
        receivers.push(guest);
        await firstFrame(guest).catch((error: Error) => {
          report.check(false, `mesh: ${guest.name} decoded no frame (${error.message.split('\n')[0]})`);
        });
      }
      const settled = await settle(presenter.page);
      const before = {
        out: await outboundSnapshot(presenter.page),
        frames: await Promise.all(receivers.map((guest) => framesDecoded(guest.page))),
        cpu: treeCpuSeconds(presenterBrowser.pid),
        receiversCpu: treeCpuSeconds(receiverBrowser.pid),
        at: performance.now(),
      };
      await sleep(windowSeconds * 1000);
      const after = {
        out: await outboundSnapshot(presenter.page),
        frames: await Promise.all(receivers.map((guest) => framesDecoded(guest.page))),
        cpu: treeCpuSeconds(presenterBrowser.pid),
        receiversCpu: treeCpuSeconds(receiverBrowser.pid),
        at: performance.now(),
      };
      const seconds = (after.at - before.at) / 1000;
      const kbps = (bytes: number) => Math.round((bytes * 8) / 1000 / seconds);
      const fps = receivers.map((_, n) => (after.frames[n]! - before.frames[n]!) / seconds);
      const video = describeVideo(after.out);
      report.check(
        after.out.links === k,
        `mesh: the presenter keeps ${after.out.links} links with ${k} receivers`,
      );
      report.check(
        fps.every((rate) => rate > 0),
        `mesh with ${k}: a receiver decoded no frames (${fps.map((rate) => rate.toFixed(1)).join(', ')} fps)`,
      );
      const step: MeshStep = {
        receivers: k,
        uploadKbps: kbps(after.out.rtpBytes - before.out.rtpBytes),
        uploadWireKbps: kbps(after.out.transportBytes - before.out.transportBytes),
        perLinkKbps: Math.round(kbps(after.out.rtpBytes - before.out.rtpBytes) / k),
        receiverFpsMedian: Math.round(median(fps.map((rate) => rate * 10)) / 10),
        receiverFpsMin: Math.round(Math.min(...fps) * 10) / 10,
        presenterCpu: Math.round(((after.cpu - before.cpu) / seconds) * 1000) / 10,
        receiversCpu: Math.round(((after.receiversCpu - before.receiversCpu) / seconds) * 1000) / 10,
        sentFps: video.fps,
        resolutions: video.resolutions,
        limitations: video.limitations,
        settleSeconds: settled,
      };
      results.push(step);
      report.record({
        backend: 'builtin',
        metric: `mesh, 1 presenter → ${k} receivers: upload`,
        value: step.uploadKbps,
        unit:
          `kbit/s outbound-rtp, ${step.perLinkKbps} per link (on the wire ${step.uploadWireKbps}); ` +
          `encoders ${step.resolutions} at ${fmt(step.sentFps)} fps, limited by ${step.limitations} ` +
          `(after ${settled} s settling)`,
      });
      report.record({
        backend: 'builtin',
        metric: `mesh, 1 presenter → ${k} receivers: presenter CPU`,
        value: step.presenterCpu,
        unit:
          `% of a core (its browser's processes; the receivers' browser ${fmt(step.receiversCpu)} %); ` +
          `receivers decode ${fmt(step.receiverFpsMedian)} fps median, ${fmt(step.receiverFpsMin)} min; ` +
          `load average ${loadAverage()}`,
      });
    }
  } finally {
    for (const guest of receivers) await guest.close();
  }
  return results;
}
