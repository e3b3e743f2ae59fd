"""How the benchmark turns rounds of a page and of the floor, measured in turn, into the page's share of the
floor (bench/run.py, against_floor): the best round on each side, the median of the rounds' ratios beside
it. Stalls of the machine in some rounds, on either side, do not move the share."""

from bench import run


def test_stalled_rounds_on_either_side_do_not_move_the_share():
    steady = run.shares([300, 310, 305, 300], [600, 620, 610, 600])
    assert steady["share_of_floor"] == 0.5
    stalled_floor = run.shares([300, 310, 305, 300], [600, 620, 200, 150])
    stalled_page = run.shares([300, 90, 80, 310], [600, 620, 610, 600])
    assert stalled_floor["share_of_floor"] == stalled_page["share_of_floor"] == 0.5
    # The rounds' ratios, kept beside it, show the stall.
    assert max(stalled_floor["rounds"]) == 2.0 and min(stalled_page["rounds"]) < 0.14
    assert steady["rps"] == 310 and steady["floor_rps"] == 620


def test_a_page_measured_again_takes_the_best_of_all_its_rounds_on_each_side():
    first = {"errors": 0, **run.shares([150, 160], [640, 600])}
    first["page_rps_rounds"], first["floor_rps_rounds"] = [150, 160], [640, 600]
    again = {"errors": 1, **run.shares([190, 180], [630, 600])}
    again["page_rps_rounds"], again["floor_rps_rounds"] = [190, 180], [630, 600]
    combined = run.measure_again_before_calling_it_a_miss("Bureau queue", first, None, lambda: again)
    assert combined["share_of_floor"] == round(190 / 640, 3)
    assert combined["share_first_measurement"] == 0.25 and combined["share_measured_again"] == round(190 / 630, 3)
    assert combined["errors"] == 1 and combined["measured_again_because"] == "below its goal of 30%"
    # A page that meets its goal is not measured again.
    met = {**first, "share_of_floor": 0.31}
    assert run.measure_again_before_calling_it_a_miss("Bureau queue", met, None, lambda: 1 / 0) is met
