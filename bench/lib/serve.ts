import type Koa from 'koa';

/**
 * Runs a baseline app as a bench child: listens on a free loopback port, prints the JSON line with
 * its `url` that Child.start waits for, and closes on SIGTERM.
 */
export function serveBaseline(app: Koa): void {
  const server = app.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    console.log(JSON.stringify({ url: `http://127.0.0.1:${port}` }));
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
