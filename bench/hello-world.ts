import 'reflect-metadata';
import { Controller, Get, Header, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * The ceiling: a bare Nest + Fastify server with one JSON route and no logging, started
 * by the benchmark next to the real server, so every figure has a same-run reference.
 */
@Controller()
class HelloController {
  private readonly bodies = new Map<number, string>();

  @Get()
  hello() {
    return { hello: 'world' };
  }

  /**
   * A canned JSON body of about `bytes` bytes, built once: what answering a response as
   * large as the app's biggest one costs when nothing is read or serialized per request.
   */
  @Get('sized/:bytes')
  @Header('content-type', 'application/json; charset=utf-8')
  sized(@Param('bytes') bytes: string): string {
    const size = Math.min(Math.max(Number(bytes) || 0, 2), 10_000_000);
    let body = this.bodies.get(size);
    if (body === undefined) {
      body = JSON.stringify({ items: ['x'.repeat(Math.max(size - 14, 0))] });
      this.bodies.set(size, body);
    }
    return body;
  }
}

@Module({ controllers: [HelloController] })
class HelloModule {}

const app = await NestFactory.create<NestFastifyApplication>(HelloModule, new FastifyAdapter(), {
  logger: false,
});
await app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
