"""The ceiling: a bare FastAPI "hello" endpoint, served by uvicorn exactly as
``localleaders serve`` serves the platform (see benchmarks/load.py)."""

from __future__ import annotations

from fastapi import FastAPI


def create_app() -> FastAPI:
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/hello")
    async def hello() -> dict[str, str]:
        return {"message": "hello"}

    return app
