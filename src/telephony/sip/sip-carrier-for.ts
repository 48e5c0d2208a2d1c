import { join } from 'node:path';
import type { Logger } from 'pino';
import type { SipSettings } from '../../config/sip-config.ts';
import type { Clock } from '../../engine/clock.ts';
import { recordingsDir } from '../../files/recording-files.ts';
import { offlineTts } from '../../speech/tts/offline-tts.ts';
import { SipCarrier } from './sip-carrier.ts';

/** The server's SIP carrier: espeak-ng prompts cached under `<data dir>/tts-cache`, calls in progress journaled under `<data dir>/sip-dialogs`, answered calls recorded under `<data dir>/recordings`, its SIP port bound. */
export async function startSipCarrier(settings: SipSettings, dataDir: string, clock: Clock, logger: Logger): Promise<SipCarrier> {
  const carrier = new SipCarrier({ settings, clock, logger, tts: offlineTts(dataDir), journalDir: join(dataDir, 'sip-dialogs'), recordingsDir: recordingsDir(dataDir) });
  await carrier.start();
  const { trunk, bind } = settings;
  // The password is never logged: only where calls go and from where.
  logger.info({ trunk: `${trunk.host}:${trunk.port};transport=${trunk.transport}`, bind: `${bind.address}:${bind.port}` }, 'SIP carrier ready');
  return carrier;
}
