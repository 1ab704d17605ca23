"""Events between services: transactional outbox, relay, idempotent consumer, topology.

Producers call `add_event(db, event)` inside their transaction; `kit.worker.run_worker`
runs the relay that publishes those rows and the consumer that applies other
services' events exactly once per event id.
"""

from kit.messaging.consumer import Consumer, Subscription
from kit.messaging.events import EventLike, routing_key_of
from kit.messaging.inbox import InboxMessage
from kit.messaging.outbox import OutboxEvent, add_event
from kit.messaging.relay import OutboxRelay, prune_published

__all__ = [
    "Consumer",
    "EventLike",
    "InboxMessage",
    "OutboxEvent",
    "OutboxRelay",
    "Subscription",
    "add_event",
    "prune_published",
    "routing_key_of",
]
