/**
 * The platform's reference: a bare Fastify hello world in its own process, to run the bench's
 * load generator against on the same machine in the same run. Listens on 127.0.0.1:$PORT.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write('hello server listening\n');
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
