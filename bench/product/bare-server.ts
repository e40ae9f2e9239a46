// The ceiling for HTTP throughput on this machine: a bare Fastify route answering a small JSON
// object, nothing else. bench/product runs it beside eightball and prints both.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.post('/classify', async () => ({ answers: {}, similar: [] }));
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stderr.write(`bare listening on ${url}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
