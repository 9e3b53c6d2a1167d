"""``natcert resolve INDICATOR...``: who owns an IP address, prefix, AS number or domain."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from natcert.constituency.ownership import build_index
from natcert.pipeline.experts.ownership import indicator_problem


class Command(BaseCommand):
    help = (
        "Show the owner organisation, sector and responsible CERT of each indicator (an IP "
        "address or prefix, AS64500, a domain name, URL or e-mail address) and which rule "
        "matched: the longest registered prefix, then the AS number, then the longest "
        "registered parent domain."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "indicators",
            nargs="+",
            metavar="INDICATOR",
            help="e.g. 203.0.113.7 AS64500 www.example.gov.pk",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="print a JSON list: one object per indicator, owner null if none",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        index = build_index()
        results = []
        for indicator in options["indicators"]:
            problem = indicator_problem(indicator)
            match = None if problem else index.resolve_one(indicator)
            if problem:
                results.append({"indicator": indicator, "error": problem, "owner": None})
            elif match is None:
                results.append({"indicator": indicator, "rule": None, "key": None, "owner": None})
            else:
                results.append(
                    {
                        "indicator": indicator,
                        "rule": match.rule,
                        "key": match.key,
                        "owner": asdict(match.owner),
                    }
                )
        if options["json"]:
            self.stdout.write(json.dumps(results, indent=2, ensure_ascii=False))
        else:
            width = max(len(r["indicator"]) for r in results)
            for result in results:
                self.stdout.write(f"{result['indicator']:<{width}}  {_describe(result)}")
        unreadable = sum(1 for r in results if r.get("error"))
        if unreadable:
            raise CommandError(f"{unreadable} indicator(s) could not be read (see above)")


def _describe(result: dict[str, Any]) -> str:
    owner = result["owner"]
    if result.get("error"):
        return f"error: {result['error']}"
    if owner is None:
        return "no owner"
    return (
        f"{owner['organisation_name'] or owner['organisation']} ({owner['organisation']}) · "
        f"sector {owner['sector_name'] or owner['sector']} ({owner['sector']}) · "
        f"CERT {owner['cert_name'] or owner['cert']} ({owner['cert']}) · "
        f"rule {result['rule']} {result['key']}"
    )
