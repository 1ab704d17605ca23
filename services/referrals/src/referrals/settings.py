"""Referrals' settings (`OCMS_*` environment variables) on top of the kit's."""

from pydantic import Field

from kit.settings import ServiceSettings


class ReferralsSettings(ServiceSettings):
    service_name: str = "referrals"
    database_url: str = "postgresql+asyncpg://ocms_referrals_app@127.0.0.1:5432/ocms_referrals"

    # The reminder scheduler (a worker component): how often it looks for due
    # notifications, and how many it claims per look.
    notification_tick_seconds: float = Field(default=5.0, gt=0)
    notification_batch_size: int = Field(default=50, ge=1)
    # A notification claimed ('sending') longer ago than this is taken to belong to a
    # worker that died mid-way, and is tried again (same Message-ID).
    notification_sending_timeout_seconds: float = Field(default=300.0, gt=0)
    # SMTP failures worth retrying are retried this many times in all, after
    # base * 2^(attempt-1) seconds (capped), then the notification is failed.
    notification_max_attempts: int = Field(default=5, ge=1)
    notification_retry_base_seconds: float = Field(default=30.0, gt=0)
    notification_retry_max_seconds: float = Field(default=3600.0, gt=0)
    # A client reminder whose client profile this service has not learned of yet waits
    # this long (clients' events may lag) before it is listed as not sent.
    notification_unknown_client_grace_seconds: float = Field(default=600.0, ge=0)
    # Dates and times in reminders are written in this time zone (IANA name).
    notification_time_zone: str = "America/Toronto"
    # "Due soon" on the My work page: tasks due within this many days.
    my_work_due_within_days: int = Field(default=7, ge=0)
