"""Demo questions for `manage.py load_demo`: a few in each state, among medewerker, chef and integriteit."""

import datetime

from django.utils import timezone

from advice import services
from advice.models import Channel


def load(*, people, stdout) -> None:
    employee, chef, officer = people["medewerker"], people["chef"], people["integriteit"]
    now = timezone.now()

    def ask(days_ago, subject, body, channel, **extra):
        return services.question_ask(
            asker=employee,
            subject=subject,
            body=body,
            channel=channel,
            now=now - datetime.timedelta(days=days_ago),
            **extra,
        )

    def step(question, by, name, text="", days_ago=0, **extra):
        return services.question_take_step(
            question=question, by=by, step=name, text=text, now=now - datetime.timedelta(days=days_ago), **extra
        )

    ask(
        0,
        "Foto van de opening van het nieuwe zwembad",
        "Mag ik de foto's die ik als medewerker maakte op mijn eigen Instagram zetten?",
        Channel.INSTAGRAM,
        rule_anchor="2-2-digitale-media-concrete-aandachtspunten",
    )

    question = ask(
        6,
        "Reactie op een krantenartikel over mijn dienst",
        "Een artikel geeft een fout beeld van onze dienst. Mag ik reageren onder het artikel?",
        Channel.NEWS_SITE,
        rule_anchor="loyaliteit",
    )
    step(question, chef, "manager_answer", "Reageer niet zelf: geef de fout door aan de woordvoerder.", 5)

    question = ask(
        9,
        "Bericht over een collega delen",
        "Een collega gaat met pensioen. Mag ik een foto delen van het afscheid op LinkedIn?",
        Channel.LINKEDIN,
        rule_anchor="collegialiteit",
    )
    step(question, chef, "manager_answer", "Ja, als je collega akkoord gaat met de foto.", 8)
    step(question, employee, "asker_close", days_ago=8)

    question = ask(
        4,
        "Tweet over een politiek debat",
        "Ik wil een debat in de gemeenteraad becommentariëren op X. Mag dat als ambtenaar?",
        Channel.X,
        rule_anchor="vrijheid-van-meningsuiting",
    )
    step(question, chef, "manager_escalate", "Politiek gevoelig: graag advies van het Bureau.", 3)

    question = ask(
        8,
        "Vertrouwelijk dossier in een blog",
        "Ik schrijf een blog over mijn werk. Mag ik een geanonimiseerd dossier als voorbeeld gebruiken?",
        Channel.BLOG,
        rule_anchor="omgaan-met-vertrouwelijke-informatie",
    )
    step(question, chef, "manager_escalate", "Ik twijfel zelf ook.", 7)
    step(question, officer, "bureau_take_up", days_ago=6)
    step(question, officer, "bureau_note", "Vergelijkbaar met een vraag van vorig jaar.", 6)
    step(question, officer, "bureau_answer", "Nee: ook geanonimiseerde dossiers blijven vertrouwelijk.", 5)

    question = ask(
        12,
        "Reactie op antwerpen.be",
        "Mag ik onder een nieuwsbericht op antwerpen.be een vraag van een burger beantwoorden?",
        Channel.ANTWERPEN_BE,
        rule_anchor="2-3-online-conversatie-gedragscode",
    )
    step(question, chef, "manager_escalate", "Graag een algemene lijn van het Bureau.", 11)
    step(question, officer, "bureau_take_up", days_ago=10)
    step(question, officer, "bureau_answer", "Verwijs de burger vriendelijk naar het contactformulier.", 9)
    step(question, employee, "asker_close", days_ago=9, faq_consent=True)

    question = ask(2, "Filmpje in het stadhuis", "Mag ik een filmpje maken in het stadhuis voor TikTok?", Channel.OTHER)
    step(question, chef, "manager_request_info", "Wie staat er in beeld, en is het tijdens je werkuren?", 1)

    question = ask(
        1,
        "Opmerking over mijn leidinggevende",
        "Mijn leidinggevende deelt berichten over het team op Facebook. Is dat in orde?",
        Channel.FACEBOOK,
        concerns_manager=True,
        rule_anchor="collegialiteit",
    )
    step(question, officer, "bureau_take_up", days_ago=0)

    ask(
        0,
        "Livestream van een infomoment",
        "Mag ik het infomoment voor bewoners livestreamen op Facebook?",
        Channel.FACEBOOK,
        needed_by=timezone.localdate() + datetime.timedelta(days=7),
    )

    question = ask(3, "Groepsfoto van de teamdag", "Mag ik de groepsfoto van de teamdag posten?", Channel.FACEBOOK)
    step(question, employee, "asker_withdraw", days_ago=2)

    # Nobody answered this one in time: the schedule escalates it to the Bureau on its own (`make run`
    # runs it as the timers do in production, docs/jobs-and-mail.md).
    ask(
        7,
        "Vacature van mijn dienst delen",
        "Mag ik de vacature van mijn dienst delen op mijn eigen LinkedIn-profiel?",
        Channel.LINKEDIN,
        rule_anchor="2-2-digitale-media-concrete-aandachtspunten",
    )
    stdout.write("Advice: 11 demo questions in every state, one overdue for its leidinggevende.")
