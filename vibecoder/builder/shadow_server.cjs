// Long-lived bundler for shadow validation: esbuild (incremental context) + Tailwind (PostCSS).
// One JSON request per stdin line, one JSON answer per stdout line. Started by shadow.py, one
// per worker process; keeping esbuild's context warm means react-dom and framer-motion are
// parsed once, not for every candidate.
//   argv[2]: esbuild package dir   argv[3]: preview runtime node_modules
"use strict";
const path = require("path");
const readline = require("readline");

const esbuild = require(process.argv[2]);
const runtimeModules = process.argv[3];
const postcss = require(path.join(runtimeModules, "postcss"));
const tailwindcss = require(path.join(runtimeModules, "tailwindcss"));

const contexts = new Map(); // entry path -> esbuild context

async function context(entry, outfile, minify) {
  const key = `${entry}|${minify}`;
  if (!contexts.has(key)) {
    contexts.set(
      key,
      await esbuild.context({
        entryPoints: [entry],
        outfile,
        bundle: true,
        write: false,
        format: "iife",
        jsx: "automatic",
        loader: { ".js": "jsx" },
        target: "es2020",
        define: { "process.env.NODE_ENV": '"production"' },
        nodePaths: [runtimeModules],
        minify,
        logLevel: "silent",
      }),
    );
  }
  return contexts.get(key);
}

function describe(error) {
  const errors = error.errors || [];
  const first = errors[0] || { text: String(error.message || error) };
  const where = first.location ? ` (${first.location.file}:${first.location.line})` : "";
  // Every error esbuild finds in the code has a location; none at all means esbuild itself
  // failed ("The service was stopped": a missing or broken binary), which no FIX can repair.
  if (!errors.some((e) => e.location)) {
    return { error: `esbuild failed: ${first.text}`.slice(0, 500), kind: "toolchain" };
  }
  const missing = /Could not resolve|No matching export/.test(first.text);
  return { error: `${first.text}${where}`.slice(0, 500), kind: missing ? "missing_module" : "syntax" };
}

async function handle(request) {
  const started = Date.now();
  const answer = { id: request.id, ok: false };
  const css = postcss([
    tailwindcss({ content: [{ raw: request.content, extension: "jsx" }], theme: { extend: {} } }),
  ])
    .process(request.css, { from: undefined })
    .then((result) => {
      answer.tailwind_ms = Date.now() - started;
      return result.css;
    });
  try {
    const ctx = await context(request.entry, request.outfile, request.minify);
    const result = await ctx.rebuild();
    answer.bundle_ms = Date.now() - started;
    answer.js = result.outputFiles[0].text;
  } catch (error) {
    answer.bundle_ms = Date.now() - started;
    Object.assign(answer, describe(error));
    // A failed build leaves the context usable, but drop it to be safe.
    const key = `${request.entry}|${request.minify}`;
    if (contexts.has(key)) {
      contexts.get(key).dispose();
      contexts.delete(key);
    }
    await css.catch(() => "");
    return answer;
  }
  try {
    answer.css = await css;
  } catch (error) {
    answer.error = `tailwind: ${String(error.message || error).slice(0, 400)}`;
    answer.kind = "tailwind";
    return answer;
  }
  answer.ok = true;
  return answer;
}

const lines = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on("line", (line) => {
  queue = queue.then(async () => {
    let request;
    try {
      request = JSON.parse(line);
    } catch {
      return;
    }
    let answer;
    try {
      answer = await handle(request);
    } catch (error) {
      answer = { id: request.id, ok: false, error: String(error), kind: "toolchain" };
    }
    process.stdout.write(JSON.stringify(answer) + "\n");
  });
});
lines.on("close", () => {
  queue.then(() => Promise.all([...contexts.values()].map((c) => c.dispose()))).then(() => process.exit(0));
});
process.stdout.write(JSON.stringify({ ready: true }) + "\n");
