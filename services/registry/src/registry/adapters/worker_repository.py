"""Workers in PostgreSQL. All of the registry's SQL about workers lives here."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import asyncpg

from registry.adapters import journey_codec
from registry.domain.iin import IIN
from registry.domain.worker import Consent, Language, Profile, Sex, Stage, Worker

COLUMNS = """id, iin, organisation_id, given_name, family_name, patronymic, date_of_birth, sex,
region, phone, email, preferred_language, passport_number, passport_expiry, consent_given_at,
consent_text_version, stage, registered_at, version"""
_COPY_COLUMNS = tuple(name.strip() for name in COLUMNS.split(","))
# What a read loads: the inserted columns, plus the journey written by later steps.
SELECT_COLUMNS = COLUMNS + ", season, journey"


class WorkerRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, worker: Worker) -> bool:
        """Insert ``worker``; False when its IIN is taken (also by a concurrent registration)."""
        p = worker.profile
        inserted = await self._conn.fetchval(
            f"INSERT INTO worker ({COLUMNS}) VALUES"
            " ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19)"
            " ON CONFLICT (iin) DO NOTHING RETURNING true",
            worker.id,
            worker.iin.value,
            worker.organisation_id,
            p.given_name,
            p.family_name,
            p.patronymic,
            p.date_of_birth,
            p.sex.value,
            p.region,
            p.phone,
            p.email,
            p.preferred_language.value,
            p.passport_number,
            p.passport_expiry,
            worker.consent.given_at,
            worker.consent.text_version,
            worker.stage.value,
            worker.registered_at,
            worker.version,
        )
        return bool(inserted)

    async def add_many(self, workers: Sequence[Worker]) -> set[UUID]:
        """Insert many workers; returns the ids inserted (a worker whose IIN was taken
        meanwhile, e.g. by a concurrent registration, is left out)."""
        if not workers:
            return set()
        records = [_values(worker) for worker in workers]
        try:
            # COPY is the cheapest way in but cannot skip a taken IIN: when one is taken (rare:
            # the caller looked first), the savepoint undoes it and the INSERT below skips it.
            async with self._conn.transaction():
                await self._conn.copy_records_to_table(
                    "worker", records=records, columns=_COPY_COLUMNS
                )
        except asyncpg.UniqueViolationError:
            return await self._insert_skipping_taken(records)
        return {worker.id for worker in workers}

    async def _insert_skipping_taken(self, records: Sequence[tuple[object, ...]]) -> set[UUID]:
        rows = await self._conn.fetch(
            f"INSERT INTO worker ({COLUMNS}) SELECT * FROM unnest("
            "$1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[],"
            " $7::date[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],"
            " $13::text[], $14::date[], $15::timestamptz[], $16::text[], $17::text[],"
            " $18::timestamptz[], $19::int[]) ON CONFLICT (iin) DO NOTHING RETURNING id",
            *[list(column) for column in zip(*records, strict=True)],
        )
        return {row["id"] for row in rows}

    async def ids_by_iin(self, iins: Sequence[str]) -> dict[str, UUID]:
        # A join rather than ``iin = ANY($1)``: once the statement's plan is generic (from its
        # sixth run on a connection), that can become a scan of the table comparing each row
        # with every IIN given; the join looks each IIN up in the index.
        rows = await self._conn.fetch(
            "SELECT worker.iin, worker.id FROM unnest($1::bpchar[]) AS given (iin)"
            " JOIN worker USING (iin)",
            iins,
        )
        return {row["iin"]: row["id"] for row in rows}

    async def grant_access_many(
        self, worker_ids: Sequence[UUID], organisation_id: UUID, relation: str
    ) -> None:
        await self._conn.execute(
            "INSERT INTO worker_access (worker_id, organisation_id, relation)"
            " SELECT unnest($1::uuid[]), $2, $3 ON CONFLICT DO NOTHING",
            worker_ids,
            organisation_id,
            relation,
        )

    async def get(self, worker_id: UUID, *, for_update: bool = False) -> Worker | None:
        """The worker; ``for_update`` locks its row until the transaction ends, so that two
        commands on one worker apply one after the other."""
        lock = " FOR UPDATE" if for_update else ""
        row = await self._conn.fetchrow(
            f"SELECT {SELECT_COLUMNS} FROM worker WHERE id = $1{lock}", worker_id
        )
        return to_worker(row) if row else None

    async def save(self, worker: Worker) -> None:
        """Write back a loaded worker: its profile, stage, season and journey."""
        p = worker.profile
        await self._conn.execute(
            "UPDATE worker SET given_name = $2, family_name = $3, patronymic = $4,"
            " date_of_birth = $5, sex = $6, region = $7, phone = $8, email = $9,"
            " preferred_language = $10, passport_number = $11, passport_expiry = $12,"
            " stage = $13, season = $14, journey = $15::jsonb, version = version + 1"
            " WHERE id = $1",
            worker.id, p.given_name, p.family_name, p.patronymic, p.date_of_birth, p.sex.value,
            p.region, p.phone, p.email, p.preferred_language.value, p.passport_number,
            p.passport_expiry, worker.stage.value, worker.season, journey_codec.encode(worker),
        )  # fmt: skip

    async def id_by_iin(self, iin: IIN) -> UUID | None:
        worker_id: UUID | None = await self._conn.fetchval(
            "SELECT id FROM worker WHERE iin = $1", iin.value
        )
        return worker_id

    async def ids_abroad(self) -> list[UUID]:
        """Workers who departed and have not returned (the overstay check's candidates)."""
        rows = await self._conn.fetch(
            "SELECT id FROM worker WHERE stage IN ('departed', 'arrived', 'contract_ended')"
        )
        return [row["id"] for row in rows]

    async def grant_access(self, worker_id: UUID, organisation_id: UUID, relation: str) -> None:
        await self._conn.execute(
            "INSERT INTO worker_access (worker_id, organisation_id, relation)"
            " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            worker_id,
            organisation_id,
            relation,
        )

    async def relations_of(self, worker_id: UUID, organisation_id: UUID) -> frozenset[str]:
        """Why ``organisation_id`` may see the worker (worker_access.relation); empty: it may
        not."""
        rows = await self._conn.fetch(
            "SELECT relation FROM worker_access WHERE worker_id = $1 AND organisation_id = $2",
            worker_id,
            organisation_id,
        )
        return frozenset(row["relation"] for row in rows)


def _values(worker: Worker) -> tuple[object, ...]:
    """The worker's row, in the order of COLUMNS."""
    p = worker.profile
    return (
        worker.id, worker.iin.value, worker.organisation_id, p.given_name, p.family_name,
        p.patronymic, p.date_of_birth, p.sex.value, p.region, p.phone, p.email,
        p.preferred_language.value, p.passport_number, p.passport_expiry,
        worker.consent.given_at, worker.consent.text_version, worker.stage.value,
        worker.registered_at, worker.version,
    )  # fmt: skip


def to_worker(row: asyncpg.Record) -> Worker:
    profile = Profile(
        given_name=row["given_name"],
        family_name=row["family_name"],
        patronymic=row["patronymic"],
        date_of_birth=row["date_of_birth"],
        sex=Sex(row["sex"]),
        region=row["region"],
        phone=row["phone"],
        email=row["email"],
        preferred_language=Language(row["preferred_language"]),
        passport_number=row["passport_number"],
        passport_expiry=row["passport_expiry"],
    )
    journey = journey_codec.decode(row["journey"])
    return Worker(
        id=row["id"],
        iin=IIN(row["iin"].strip()),
        organisation_id=row["organisation_id"],
        profile=profile,
        consent=Consent(row["consent_given_at"], row["consent_text_version"]),
        registered_at=row["registered_at"],
        stage=Stage(row["stage"]),
        version=row["version"],
        season=row["season"],
        screenings=journey.screenings,
        orientations=journey.orientations,
        placements=journey.placements,
        visa_cases=journey.visa_cases,
        trips=journey.trips,
        uk_stays=journey.uk_stays,
        welfare_checks=journey.welfare_checks,
        grievances=journey.grievances,
        fees=journey.fees,
        withdrawals=journey.withdrawals,
        overstay_flagged_seasons=set(journey.overstay_flagged_seasons),
    )
