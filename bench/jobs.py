"""`python -m bench jobs`: roster import of 1,000 rows, 250 certificates as a ZIP, the camp report export.

Calls the product's own services on the scale dataset (run `DJANGO_SETTINGS_MODULE=bench.settings manage.py seed_scale` first; the
command runs it itself when the scale camp is missing). A piece that does not exist says so in
the JSON instead of a number.
"""

from __future__ import annotations

import csv
import io
import time

from bench.common import log
from bench.live import setup_django
from bench.server import prepare_database, server_env

TARGETS = {"roster_import_s": 3.0, "certificates_zip_s": 30.0}


def _timed(fn):
    began = time.perf_counter()
    value = fn()
    return value, round(time.perf_counter() - began, 3)


def roster_import(rows: int) -> dict:
    try:
        from camp.services.roster import COLUMN_KEYS, roster_import_confirm, roster_import_preview
    except ImportError as exc:
        return {"available": False, "reason": f"camp.services.roster: {exc}"}
    from bench.management.commands.seed_scale import FEDERATION, scale_coordinator_email
    from camp.models import Group, User

    coordinator = User.objects.get(username=scale_coordinator_email(0))
    group = Group.objects.create(
        camp=Group.objects.filter(camp__federation=FEDERATION).first().camp, name=f"Bench import {time.time_ns()}",
        institution="Bench import school", country="TH", time_zone="Asia/Bangkok", languages=["th"],
    )
    group.coordinators.add(coordinator)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMN_KEYS)
    values = {"family_name": "แซ่ตั้ง", "chinese_name": "陈明", "gender": "f", "preferred_language": "th",
              "chinese_level": "beginner", "guardian_name": "Guardian", "guardian_contact": "+66 81 234 5678",
              "notes": ""}
    for n in range(rows):
        row = {**values, "given_name": f"Import{n}", "birth_year": str(2008 + n % 9)}
        writer.writerow([row[key] for key in COLUMN_KEYS])
    data = out.getvalue().encode("utf-8-sig")

    def run():
        preview = roster_import_preview(by=coordinator, group=group, file_name="roster.csv", data=data)
        if preview.problems:
            raise RuntimeError(f"the bench roster file has problems: {preview.problems[:3]}")
        return roster_import_confirm(by=coordinator, roster_import=preview)

    imported, seconds = _timed(run)
    return {"available": True, "rows": rows, "imported": imported, "seconds": seconds,
            "target_s": TARGETS["roster_import_s"], "met": seconds <= TARGETS["roster_import_s"]}


def certificates(count: int) -> dict:
    try:
        from reports.models import Certificate
        from reports.pdf import certificates_zip
        from reports.services import certificates_issue
    except ImportError as exc:
        return {"available": False, "reason": f"reports: {exc}"}
    from bench.management.commands.seed_scale import FEDERATION, SCALE_ORGANIZER_EMAIL
    from camp.models import Enrollment, Group, User

    group = Group.objects.get(camp__federation=FEDERATION, name="Scale group 0000")
    phase = Enrollment.objects.get(group=group).phase
    organizer = User.objects.get(username=SCALE_ORGANIZER_EMAIL)
    issued, issue_s = _timed(lambda: certificates_issue(group=group, phase=phase, by=organizer))
    certs = list(Certificate.objects.filter(participant__group=group, revoked_at__isnull=True)
                 .order_by("phase", "code")[:count])
    payload, zip_s = _timed(lambda: certificates_zip(certs))
    return {"available": True, "certificates": len(certs), "newly_issued": len(issued), "issue_s": issue_s,
            "zip_s": zip_s, "zip_bytes": len(payload), "seconds": zip_s, "target_s": TARGETS["certificates_zip_s"],
            "met": zip_s <= TARGETS["certificates_zip_s"] and len(certs) >= count}


def camp_report() -> dict:
    try:
        from reports.exports import to_csv, to_xlsx
        from reports.selectors import dashboard
    except ImportError as exc:
        return {"available": False, "reason": f"reports: {exc}"}
    from bench.management.commands.seed_scale import FEDERATION
    from camp.models import Camp

    camp = Camp.objects.get(federation=FEDERATION)
    report, build_s = _timed(lambda: dashboard([camp], camp.title))
    csv_bytes, csv_s = _timed(lambda: to_csv(report.tables()))
    xlsx_bytes, xlsx_s = _timed(lambda: to_xlsx(report.tables()))
    return {"available": True, "build_s": build_s, "csv_s": csv_s, "xlsx_s": xlsx_s, "csv_bytes": len(csv_bytes),
            "xlsx_bytes": len(xlsx_bytes), "seconds": round(build_s + xlsx_s, 3)}


def ensure_scale(database_url: str, redis_url: str) -> None:
    from bench.management.commands.seed_scale import FEDERATION
    from camp.models import Camp

    if not Camp.objects.filter(federation=FEDERATION).exists():
        import subprocess

        from bench.common import PYTHON, ROOT

        log("scale dataset missing: running manage.py seed_scale")
        subprocess.run([PYTHON, "manage.py", "seed_scale"], cwd=ROOT, env=server_env(database_url, redis_url),
                       check=True)


def main(args) -> dict:
    prepare_database(args.database_url, args.redis_url)
    setup_django(args.database_url, args.redis_url)
    ensure_scale(args.database_url, args.redis_url)
    result = {}
    for name, job in (("roster_import", lambda: roster_import(args.rows)),
                      ("certificates_zip", lambda: certificates(args.certificates)),
                      ("camp_report_export", camp_report)):
        try:
            result[name] = job()
        except Exception as exc:  # one broken piece must not hide the others' figures
            result[name] = {"available": True, "error": f"{type(exc).__name__}: {exc}"}
        log(f"{name}: {result[name]}")
    return result
