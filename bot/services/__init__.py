"""Use cases: async, own their unit of work, never import telegram."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.domain.disclosure import DEFAULT_THRESHOLD
from bot.domain.rules.model import RuleBook
from bot.services.asking import AskingService
from bot.services.associations import AssociationService
from bot.services.broadcasts import BroadcastService
from bot.services.conversation_store import ConversationStore
from bot.services.directory import DirectoryService
from bot.services.follows import FollowService
from bot.services.inbox import InboxService
from bot.services.inbox_upkeep import DEFAULT_RETENTION_DAYS, InboxUpkeep
from bot.services.people import PeopleService
from bot.services.plans import PlanService
from bot.services.retention import RetentionService
from bot.services.routes import RouteService
from bot.services.unit import Sessions


@dataclass
class Services:
    """Every use case the handlers may call."""

    people: PeopleService
    plans: PlanService
    conversations: ConversationStore
    associations: AssociationService
    follows: FollowService
    broadcasts: BroadcastService
    retention: RetentionService
    asking: AskingService
    inbox: InboxService
    inbox_upkeep: InboxUpkeep
    directory: DirectoryService
    routes: RouteService
    clock: Clock
    zone: ZoneInfo


def build_services(
    factory: async_sessionmaker[AsyncSession],
    *,
    book: RuleBook,
    clock: Clock,
    zone: ZoneInfo,
    reminder_time: time,
    operators: frozenset[int] = frozenset(),
    count_threshold: int = DEFAULT_THRESHOLD,
    inactivity_months: int = 18,
    inactivity_notice_days: int = 30,
    keep_days: tuple[int, int, int] = (90, 180, 365),
    thread_retention_days: int = DEFAULT_RETENTION_DAYS,
) -> Services:
    """Wire the services over one session factory."""
    sessions = Sessions(factory)
    associations = AssociationService(sessions, clock, operators, count_threshold)
    return Services(
        people=PeopleService(sessions, clock),
        plans=PlanService(sessions, book, clock, zone, reminder_time),
        conversations=ConversationStore(sessions),
        associations=associations,
        follows=FollowService(sessions, clock),
        broadcasts=BroadcastService(sessions, clock, associations),
        retention=RetentionService(
            sessions, clock, inactivity_months, inactivity_notice_days, *keep_days
        ),
        asking=AskingService(sessions, clock),
        inbox=InboxService(sessions, clock),
        inbox_upkeep=InboxUpkeep(sessions, clock, thread_retention_days),
        directory=DirectoryService(sessions, clock, zone),
        routes=RouteService(sessions, clock),
        clock=clock,
        zone=zone,
    )
