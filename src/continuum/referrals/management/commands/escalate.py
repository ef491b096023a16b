"""`continuum escalate`: tell team managers about hand-overs not acknowledged by their deadline.

Run it from cron (or a systemd timer) every few minutes. Each item is escalated once.
The "awaiting acknowledgement" page does not depend on it: it is worked out on page load.
"""

from django.core.management.base import BaseCommand

from continuum.referrals.services import escalate_unacknowledged


class Command(BaseCommand):
    help = "Escalate referrals and information requests not acknowledged by their deadline"

    def handle(self, *args, **options):
        count = escalate_unacknowledged()
        self.stdout.write(f"Escalated {count} unacknowledged hand-over(s)")
