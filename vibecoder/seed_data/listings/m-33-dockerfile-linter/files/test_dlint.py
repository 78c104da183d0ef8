from dlint import lint

GOOD = """FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl \\
    && rm -rf /var/lib/apt/lists/*
COPY . /app
USER app
HEALTHCHECK CMD ["curl", "-f", "http://127.0.0.1/health"]
CMD ["python", "/app/main.py"]
"""


def codes(text):
    return {code for _, code, _ in lint(text)}


def test_clean_dockerfile_passes():
    assert lint(GOOD) == []


def test_common_mistakes_flagged():
    assert codes("FROM node:latest\nADD . /app\nCMD node app.js\n") >= {"DL3007", "DL3020", "DL3025", "DL3002"}
