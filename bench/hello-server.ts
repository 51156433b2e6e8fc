import express from 'express';

// The baseline: a bare express route in its own process, measured with the same settings.
const app = express();
app.get('/hello', (_req, res) => {
  res.send('hello');
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => {
  process.send?.('ready');
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
