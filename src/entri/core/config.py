"""Settings from the environment (`ENTRI_*`), with defaults that make `make run` work as is."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ENTRI_", extra="ignore")

    data_dir: Path = Path("./data")
    database_url: str = ""
    """Empty means SQLite at `<data_dir>/entri.db`."""
    admin_email: str = "admin@localhost"
    admin_password: str | None = None
    org_name: str = "My Organization"
    max_body_bytes: int = 20 * 1024 * 1024
    export_max_entries: int = 0
    """Cut exports after this many entries (0 = no limit); the response says so in X-Export-Truncated."""
    session_days: int = 30
    cookie_secure: bool = False
    """Off by default because `make run` serves plain HTTP on loopback; set it behind TLS."""
    public_url: str = "http://127.0.0.1:8080"
    secret_key: str | None = None
    """Encrypts the organizations' provider keys (docs/settings.md). Unset: a random key is
    generated into `<data_dir>/secret.key` on first start and read from there."""

    # Rate limits (docs/rate-limits.md): requests per window (60 s) per credential or client IP.
    rate_limit_enabled: bool = True
    rate_limit_per_minute: int = 600
    """Per API token or session: every route."""
    rate_limit_ip_per_minute: int = 300
    """Per client IP, for requests without credentials (and requests whose credentials fail)."""
    rate_limit_ai_per_minute: int = 20
    """Per API token or session, on the AI batch routes (on top of the general limit)."""
    rate_limit_login_per_minute: int = 10
    """Sign-in attempts per account (e-mail address)."""
    rate_limit_login_ip_per_minute: int = 30
    """Sign-in and invitation-acceptance attempts per client IP."""
    rate_limit_window_seconds: int = 60
    """The window the limits count in; only tests change it."""
    redis_url: str | None = None
    """Shared rate-limit counters for several server processes (`redis://host:6379/0`); unset:
    each process counts in memory."""

    # Background jobs (docs/jobs.md).
    jobs_lease_seconds: float = 30.0
    """How long a worker's claim on a job lasts without a heartbeat (heartbeats every third of it).
    A worker that dies is replaced on its job this long after its last heartbeat."""
    jobs_poll_seconds: float = 1.0
    """How often an idle worker looks for work (a job enqueued in the same process wakes it at once)."""
    jobs_backoff_seconds: float = 1.0
    """First wait before retrying a transient error; doubles on each of the 3 retries."""
    jobs_retry_after_max_seconds: float = 60.0
    """Upper bound on one wait asked for by a provider's Retry-After."""
    jobs_keep_days: float = 7.0
    """Jobs that ended `succeeded` or `cancelled` are pruned this long after they finished."""
    jobs_keep_failed_days: float = 30.0
    """Jobs that ended `failed` or `partially_failed` are kept this long."""
    jobs_prune_interval_seconds: float = 3600.0
    jobs_imports: str = ""
    """Comma-separated extra modules a worker imports to register handlers (`entri worker --import`)."""

    # Webhooks (docs/webhooks.md).
    webhook_allow_private: bool = False
    """Let webhook URLs reach loopback, private, link-local and other non-public addresses
    (refused by default, at creation and again at each delivery: docs/webhooks.md, "SSRF")."""
    webhook_timeout_seconds: float = 10.0
    """The whole of one delivery attempt: DNS, connect, send, and the response's first 1 KB."""

    def resolved_database_url(self) -> str:
        if self.database_url:
            url = self.database_url
            # psycopg 3 is the driver we ship; a bare `postgresql://` would ask for psycopg2.
            for bare in ("postgresql://", "postgres://"):
                if url.startswith(bare):
                    return "postgresql+psycopg://" + url[len(bare) :]
            return url
        return f"sqlite:///{(self.data_dir / 'entri.db').resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
