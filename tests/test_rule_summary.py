"""The rule drafter's summary: the item's informative sentences, as Whisper heard them on corpus meetings."""

from pipelines.drafting.rules import SUMMARY_WORDS, extractive_summary
from pipelines.models import TranscriptSegment


def talk(*lines: str) -> list[TranscriptSegment]:
    return [TranscriptSegment(id=i, start=5.0 * i, end=5.0 * i + 4, text=t) for i, t in enumerate(lines)]


def test_the_summary_leaves_out_the_chairs_transition_opinions_and_questions():
    summary = extractive_summary(talk(
        "Nästa är en lärpunkt, och Sjukfrånvaron bland medarbetarna, Helena, varsågod.",  # a garbled cue
        "Sjukfrånvaron har minskat från åtta till sju procent det senaste året.",
        "Vilka insatser har ni gjort?",
        "Vi har infört fler hälsosamtal och mer stöd från företagshälsovården.",
        "Jag ser att det finns fler som vill ha ordet.",
        "Jag tycker att vi ska vara försiktiga med budgeten tills vi vet mer om kostnaderna.",
        "Hur många har sökt till utbildningen, fjorton?",  # a question that carries a number stays
    ))
    assert summary == ("Sjukfrånvaron har minskat från åtta till sju procent det senaste året. Vi har infört fler "
                       "hälsosamtal och mer stöd från företagshälsovården. Hur många har sökt till utbildningen, fjorton?")


def test_a_courtesy_before_the_facts_is_dropped_and_the_facts_kept():
    summary = extractive_summary(talk("Tack, kommunerna har nu tagit fram en gemensam plan för krisberedskap.",
                                      "Ja, meröppet finns redan i tre av filialerna."))
    assert summary == ("Kommunerna har nu tagit fram en gemensam plan för krisberedskap. "
                       "Meröppet finns redan i tre av filialerna.")


def test_the_summary_is_about_as_long_as_an_archived_one():
    facts = [f"Etapp {n} av ledningsbytet i området tar ungefär sex veckor att genomföra." for n in range(1, 20)]
    summary = extractive_summary(talk(*facts))
    assert SUMMARY_WORDS <= len(summary.split()) < SUMMARY_WORDS + 12
    assert summary.startswith("Etapp 1 av")


def test_what_a_presenter_wants_to_tell_is_not_an_opinion():
    summary = extractive_summary(talk("Jag vill berätta att fritidsgården har fått nya lokaler vid torget.",
                                      "Jag vill understryka hur viktigt det här är för landsbygden."))
    assert summary == "Jag vill berätta att fritidsgården har fått nya lokaler vid torget."
