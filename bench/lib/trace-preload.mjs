// A preload for the app under the bench (bench/README.md, "How the figures were taken"): writes every
// pg statement (start, duration, backend pid), every ioredis command and every HTTP request (start,
// end, status) to TRACE_FILE (default /tmp/renos-trace.log), so one request's statements and what ran
// beside them can be read in order. Timestamps are performance.now() in milliseconds.
//   npm run bench -- --quick --only writes "--app-node-args=--import /abs/path/bench/lib/trace-preload.mjs"
// The bench passes the app only its own environment, so TRACE_FILE set outside does not reach it.
import { appendFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';

const file = process.env.TRACE_FILE ?? '/tmp/renos-trace.log';
writeFileSync(file, '');
const lines = [];
const flush = () => {
  if (lines.length === 0) return;
  appendFileSync(file, `${lines.join('\n')}\n`);
  lines.length = 0;
};
setInterval(flush, 500).unref();
process.on('exit', flush);

const at = (ms) => ms.toFixed(2);
const oneLine = (text) => String(text).replace(/\s+/g, ' ').slice(0, 160);
// The app's own copies of pg and ioredis, resolved from its entry point.
const require = createRequire(`${process.cwd()}/dist/src/main.js`);

const pg = require('pg');
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (config, values, callback) {
  const text = typeof config === 'string' ? config : config?.text;
  const start = performance.now();
  const pid = this.processID;
  const result = query.call(this, config, values, callback);
  if (result && typeof result.then === 'function') {
    const done = (outcome) => () =>
      lines.push(`${at(start)} pg ${pid} ${outcome}${at(performance.now() - start)}ms ${oneLine(text)}`);
    result.then(done(''), done('ERR '));
  } else lines.push(`${at(start)} pg ${pid} (callback) ${oneLine(text)}`);
  return result;
};

const { Redis } = require('ioredis');
const sendCommand = Redis.prototype.sendCommand;
Redis.prototype.sendCommand = function (command) {
  lines.push(
    `${at(performance.now())} redis ${command.name} ${String(command.args?.[0] ?? '').slice(0, 60)}`,
  );
  return sendCommand.apply(this, arguments);
};

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, request, response) {
  if (event === 'request') {
    const start = performance.now();
    lines.push(`${at(start)} http> ${request.method} ${request.url}`);
    response.on('finish', () =>
      lines.push(
        `${at(performance.now())} http< ${request.method} ${request.url} ${response.statusCode} ${at(performance.now() - start)}ms`,
      ),
    );
  }
  return emit.apply(this, arguments);
};
