"""The states of an advice question and the steps between them, in one table.

Each step says from which states it may be taken, to which state it leads, and in which capacity
(asker, leidinggevende, Bureau or the system). Services take steps only through `check_step`.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from advice.access import Capacity
from advice.models import Audience, EventKind, Level, State

SYSTEM = "system"


class TransitionError(Exception):
    """A step that is not allowed now; the message is shown to the person who tried it."""


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    kind: str
    sources: tuple[str, ...]
    # None: back to where the question was before (an answer to a request for information).
    target: str | None
    actor: str
    audience: str = Audience.ROUTE
    text_required: bool = True


STEPS = {
    step.name: step
    for step in [
        Step(
            "manager_answer",
            _("Antwoord versturen"),
            EventKind.MANAGER_ANSWERED,
            (State.WITH_MANAGER,),
            State.MANAGER_ANSWERED,
            Capacity.MANAGER,
        ),
        Step(
            "manager_request_info",
            _("Meer informatie vragen"),
            EventKind.INFO_REQUESTED,
            (State.WITH_MANAGER,),
            State.INFO_REQUESTED,
            Capacity.MANAGER,
        ),
        Step(
            "manager_escalate",
            _("Escaleren naar Bureau voor Integriteit"),
            EventKind.ESCALATED,
            (State.WITH_MANAGER,),
            State.WITH_BUREAU,
            Capacity.MANAGER,
        ),
        Step(
            "auto_escalate",
            _("Automatisch escaleren"),
            EventKind.ESCALATED,
            (State.WITH_MANAGER,),
            State.WITH_BUREAU,
            SYSTEM,
            text_required=False,
        ),
        Step(
            "auto_close",
            _("Automatisch afsluiten"),
            EventKind.CLOSED,
            (State.MANAGER_ANSWERED, State.BUREAU_ANSWERED, State.INFO_REQUESTED),
            State.CLOSED,
            SYSTEM,
            text_required=False,
        ),
        Step(
            "asker_close",
            _("Vraag afsluiten"),
            EventKind.CLOSED,
            (State.MANAGER_ANSWERED, State.BUREAU_ANSWERED),
            State.CLOSED,
            Capacity.ASKER,
            text_required=False,
        ),
        Step(
            "asker_escalate",
            _("Nog onduidelijk: vraag het Bureau voor Integriteit"),
            EventKind.ESCALATED,
            (State.MANAGER_ANSWERED,),
            State.WITH_BUREAU,
            Capacity.ASKER,
            text_required=False,
        ),
        Step(
            "asker_reply",
            _("Informatie versturen"),
            EventKind.INFO_GIVEN,
            (State.INFO_REQUESTED,),
            None,
            Capacity.ASKER,
        ),
        Step(
            "asker_withdraw",
            _("Vraag intrekken"),
            EventKind.WITHDRAWN,
            (State.WITH_MANAGER, State.INFO_REQUESTED, State.WITH_BUREAU, State.TAKEN_UP),
            State.WITHDRAWN,
            Capacity.ASKER,
            text_required=False,
        ),
        Step(
            "bureau_take_up",
            _("Ik neem dit op"),
            EventKind.TAKEN_UP,
            (State.WITH_BUREAU,),
            State.TAKEN_UP,
            Capacity.BUREAU,
            Audience.ASKER_AND_BUREAU,
            text_required=False,
        ),
        Step(
            "bureau_request_info",
            _("Meer informatie vragen"),
            EventKind.INFO_REQUESTED,
            (State.TAKEN_UP,),
            State.INFO_REQUESTED,
            Capacity.ASSIGNED_OFFICER,
            Audience.ASKER_AND_BUREAU,
        ),
        Step(
            "bureau_answer",
            _("Antwoord versturen"),
            EventKind.BUREAU_ANSWERED,
            (State.TAKEN_UP,),
            State.BUREAU_ANSWERED,
            Capacity.ASSIGNED_OFFICER,
            Audience.ASKER_AND_BUREAU,
        ),
        Step(
            "bureau_close",
            _("Afsluiten"),
            EventKind.CLOSED,
            (State.BUREAU_ANSWERED,),
            State.CLOSED,
            Capacity.ASSIGNED_OFFICER,
            text_required=False,
        ),
        Step(
            "bureau_take_over",
            _("Overnemen"),
            EventKind.TAKEN_OVER,
            (State.TAKEN_UP, State.INFO_REQUESTED, State.BUREAU_ANSWERED),
            None,
            Capacity.BUREAU,
            Audience.BUREAU,
            text_required=False,
        ),
        Step(
            "bureau_note",
            _("Interne notitie toevoegen"),
            EventKind.NOTE,
            tuple(State.values),
            None,
            Capacity.BUREAU,
            Audience.BUREAU,
        ),
    ]
}

# Steps a person takes through the question page (the system's step is the scheduled job's).
PAGE_STEPS = [name for name, step in STEPS.items() if step.actor != SYSTEM]


def target_state(step: Step, question) -> str:
    if step.target is not None:
        return step.target
    if step.kind in (EventKind.NOTE, EventKind.TAKEN_OVER):
        return question.state
    # An answer to a request for information goes back to whoever asked for it.
    return State.WITH_MANAGER if question.level == Level.MANAGER else State.TAKEN_UP


def audience_for(step: Step, question) -> str:
    """Who will read the text of `step` taken now on `question`: one place, for the step itself and
    for the words next to the text field. The asker's extra information goes to whoever asked for it:
    at the Bureau's level, the Bureau only (with the asker), not the leidinggevende."""
    if step.kind == EventKind.INFO_GIVEN and question.level == Level.BUREAU:
        return Audience.ASKER_AND_BUREAU
    return step.audience


def step_allowed(step: Step, question, held) -> bool:
    if step.actor != SYSTEM and step.actor not in held:
        return False
    if step.actor == Capacity.MANAGER and question.level != Level.MANAGER:
        return False
    if step.kind == EventKind.TAKEN_OVER and (
        question.level != Level.BUREAU or question.officer_id is None or Capacity.ASSIGNED_OFFICER in held
    ):
        return False  # only a colleague takes over a question someone in the Bureau took up
    return question.state in step.sources


def check_step(step_name: str, question, held) -> Step:
    """The step if `question` may take it now in one of the capacities `held`; else TransitionError."""
    step = STEPS.get(step_name)
    if step is None:
        raise TransitionError(_("Deze stap bestaat niet."))
    if step.actor != SYSTEM and step.actor not in held:
        raise TransitionError(_("Je kan deze stap niet zetten voor deze vraag."))
    if not step_allowed(step, question, held):
        raise TransitionError(
            _("Dit kan niet meer: de vraag is intussen '%(state)s'. Vernieuw de pagina.")
            % {"state": State(question.state).label}
        )
    return step


def available_steps(question, held) -> list[Step]:
    return [STEPS[name] for name in PAGE_STEPS if step_allowed(STEPS[name], question, held)]
