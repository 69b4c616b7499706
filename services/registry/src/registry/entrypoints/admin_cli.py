"""``python -m registry admin …``: the first admin key, and key management from a shell."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any
from uuid import UUID

from registry.application import organisations
from registry.application.unit_of_work import RegistryUnitOfWork
from registry.domain.errors import DomainError
from registry.domain.organisation import OrganisationKind
from servicekit.service import CliCommand, Runtime


def _configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True)
    bootstrap = actions.add_parser("bootstrap", help="create the first admin organisation and key")
    bootstrap.add_argument("--name", default="Platform administration")
    create = actions.add_parser("create-organisation", help="register an organisation")
    create.add_argument("--name", required=True)
    create.add_argument("--kind", required=True, choices=[kind.value for kind in OrganisationKind])
    create.add_argument("--region")
    create.add_argument("--licence-number")
    create.add_argument("--licence-valid-until", type=date.fromisoformat)
    issue = actions.add_parser("issue-key", help="issue a key for an organisation")
    issue.add_argument("organisation_id", type=UUID)
    revoke = actions.add_parser("revoke-key", help="revoke a key")
    revoke.add_argument("key_id", type=UUID)


async def _run(runtime: Runtime[Any], args: argparse.Namespace) -> int:
    try:
        return await _act(runtime, args)
    except DomainError as error:
        where = f" ({error.field})" if error.field else ""
        print(f"refused{where}: {error}", file=sys.stderr)
        return 2


async def _act(runtime: Runtime[Any], args: argparse.Namespace) -> int:
    uow: RegistryUnitOfWork
    async with runtime.unit_of_work("admin-cli") as uow:
        if args.action == "bootstrap":
            issued = await organisations.bootstrap_admin(uow, args.name)
            if issued is None:
                print("an admin organisation exists already; use issue-key for another key")
                return 1
        elif args.action == "create-organisation":
            organisation = await organisations.register_organisation(uow, _command(args))
            print(f"organisation: {organisation.id} ({organisation.kind})")
            return 0
        elif args.action == "issue-key":
            issued = await organisations.issue_api_key(uow, args.organisation_id)
        else:
            await organisations.revoke_api_key(uow, args.key_id)
            print(f"revoked {args.key_id}")
            return 0
    print(f"organisation: {issued.organisation.id} ({issued.organisation.kind})")
    print(f"key id:       {issued.key.key_id}")
    print(f"api key:      {issued.key.secret}")
    print("The key is shown only now; store it safely.")
    return 0


def _command(args: argparse.Namespace) -> organisations.RegisterOrganisation:
    return organisations.RegisterOrganisation(
        name=args.name,
        kind=OrganisationKind(args.kind),
        region=args.region,
        licence_number=args.licence_number,
        licence_valid_until=args.licence_valid_until,
    )


ADMIN_COMMAND = CliCommand(
    name="admin", help="organisations' API keys", configure=_configure, run=_run
)
