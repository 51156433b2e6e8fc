import { startE2eServer } from '../e2e/helpers/browser';
import { describeLiveJourney } from '../e2e/helpers/live-journey';
import { janusEnv } from './janus-server';

describeLiveJourney({
  engine: 'janus',
  startServer: () => startE2eServer(janusEnv()),
  screenSuffix: '-janus',
});
