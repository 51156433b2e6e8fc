import { startE2eServer } from './helpers/browser';
import { describeLiveJourney } from './helpers/live-journey';

describeLiveJourney({ engine: 'builtin', startServer: () => startE2eServer() });
