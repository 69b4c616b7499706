"""The steps of an application: CoS, submission, biometrics and the decision.

Each step checks everything first and changes the case only when every rule holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from visa.domain.applicant import Applicant, Period, check_stay_limit
from visa.domain.case_state import CaseState
from visa.domain.errors import (
    ApplicantUnknown,
    ApplicationTooEarly,
    CosExpired,
    InvalidCaseData,
    PlacementOver,
    VisaOutsidePlacement,
)
from visa.domain.events import (
    ApplicationSubmitted,
    BiometricsRecorded,
    SponsorshipAssigned,
    VisaGranted,
    VisaRefused,
)
from visa.domain.records import Application, Decision, Sponsorship
from visa.domain.rules import RuleBook
from visa.domain.status import Action
from visa.domain.values import (
    LONG_TEXT,
    MAX_PROCESSING_DAYS,
    check_cos_number,
    check_not_before,
    check_not_future,
    check_reason_code,
    check_text,
)


class ApplicationSteps(CaseState):
    def assign_sponsorship(
        self, cos_number: str, issued_on: date, rules: RuleBook, today: date, now: datetime
    ) -> None:
        """The operator assigns a CoS; it is valid for the months in force on its issue date."""
        target = self._target(Action.ASSIGN_COS)
        check_cos_number(cos_number)
        check_not_future(issued_on, today, "issued_on")
        self._check_placement_not_over(today)
        expires_on = rules.in_force(issued_on).cos_expires_on(issued_on)
        if expires_on < today:
            raise CosExpired(
                f"a CoS issued on {issued_on.isoformat()} expired on {expires_on.isoformat()}",
                field="issued_on",
            )
        self.sponsorship = Sponsorship(cos_number, issued_on, expires_on)
        self._enter(target, SponsorshipAssigned(self.id, now))

    def submit_application(
        self,
        submitted_on: date,
        reference: str,
        applicant: Applicant | None,
        rules: RuleBook,
        today: date,
        now: datetime,
    ) -> None:
        """Submitted with a valid CoS, within the window before the placement starts, for an
        applicant of age with a passport valid through the placement (the intended visa)."""
        target = self._target(Action.SUBMIT_APPLICATION)
        check_text(reference, "application_reference")
        check_not_future(submitted_on, today, "submitted_on")
        self._check_placement_not_over(today)
        cos = self._sponsorship()
        check_not_before(submitted_on, cos.issued_on, "submitted_on", "the CoS issue date")
        if submitted_on > cos.expires_on:
            raise CosExpired(
                f"the CoS {cos.cos_number} expired on {cos.expires_on.isoformat()}, before"
                f" {submitted_on.isoformat()}",
                field="submitted_on",
            )
        in_force = rules.in_force(submitted_on)
        earliest = in_force.earliest_submission(self.placement_start)
        if submitted_on < earliest:
            raise ApplicationTooEarly(
                f"an application is submitted no earlier than {in_force.application_window_months}"
                f" months before the placement starts: from {earliest.isoformat()}",
                field="submitted_on",
            )
        known = self._known(applicant)
        known.check_age(self.placement_start, in_force, field="applicant.date_of_birth")
        known.check_passport(self.placement_end, field="applicant.passport_expiry")
        self.application = Application(
            submitted_on, reference, in_force.application_fee, in_force.fee_currency
        )
        self._enter(target, ApplicationSubmitted(self.id, now))

    def record_biometrics(self, recorded_on: date, today: date, now: datetime) -> None:
        target = self._target(Action.RECORD_BIOMETRICS)
        check_not_future(recorded_on, today, "recorded_on")
        submitted_on = self._application().submitted_on
        check_not_before(recorded_on, submitted_on, "recorded_on", "the submission date")
        self.biometrics_on = recorded_on
        self._enter(target, BiometricsRecorded(self.id, now))

    def grant(
        self,
        *,
        decided_on: date,
        visa_start: date,
        visa_end: date,
        applicant: Applicant | None,
        earlier_visas: Iterable[Period],
        rules: RuleBook,
        today: date,
        now: datetime,
    ) -> None:
        """A visa within the placement, within the stay limit, for an applicant of age on its
        first day whose passport is valid on its last; judged by the rules of the submission."""
        target = self._target(Action.GRANT)
        processing_days = self._check_decision_date(decided_on, today)
        check_not_before(visa_end, visa_start, "visa_end", "visa_start")
        if visa_start < self.placement_start:
            raise VisaOutsidePlacement(
                f"the visa starts before the placement ({self.placement_start.isoformat()})",
                field="visa_start",
            )
        if visa_end > self.placement_end:
            raise VisaOutsidePlacement(
                f"the visa ends after the placement ({self.placement_end.isoformat()})",
                field="visa_end",
            )
        in_force = rules.in_force(self._application().submitted_on)
        check_stay_limit(Period(visa_start, visa_end), earlier_visas, in_force)
        known = self._known(applicant)
        known.check_age(visa_start, in_force, field="visa_start")
        known.check_passport(visa_end, field="visa_end")
        self.decision = Decision(
            True, decided_on, processing_days, visa_start=visa_start, visa_end=visa_end
        )
        self._enter(target, VisaGranted(self.id, now))

    def refuse(
        self, *, decided_on: date, reason_code: str, reason_text: str, today: date, now: datetime
    ) -> None:
        target = self._target(Action.REFUSE)
        processing_days = self._check_decision_date(decided_on, today)
        check_reason_code(reason_code)
        check_text(reason_text, "reason_text", LONG_TEXT)
        self.decision = Decision(
            False, decided_on, processing_days, refusal_code=reason_code, refusal_text=reason_text
        )
        self._enter(target, VisaRefused(self.id, now))

    def _check_decision_date(self, decided_on: date, today: date) -> int:
        """The processing time in days, once the decision date is known to be possible."""
        check_not_future(decided_on, today, "decided_on")
        submitted_on = self._application().submitted_on
        check_not_before(decided_on, submitted_on, "decided_on", "the submission date")
        if self.biometrics_on is not None:
            check_not_before(decided_on, self.biometrics_on, "decided_on", "the biometrics date")
        days = (decided_on - submitted_on).days
        if days > MAX_PROCESSING_DAYS:
            raise InvalidCaseData(
                f"decided_on is more than {MAX_PROCESSING_DAYS} days after the submission",
                field="decided_on",
            )
        return days

    def _check_placement_not_over(self, today: date) -> None:
        if today > self.placement_end:
            raise PlacementOver(
                f"the placement ended on {self.placement_end.isoformat()}",
                field="case.placement_end",
            )

    def _known(self, applicant: Applicant | None) -> Applicant:
        if applicant is None:
            raise ApplicantUnknown(self.worker_id)
        return applicant
