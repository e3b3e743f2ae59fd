"""How the benchmark turns rounds of a page and of the floor, measured in turn and for as long, into the
page's share of the floor (bench/run.py, against_floor): the page's requests over the floor's in the
same time, all rounds together, the median of the rounds' ratios beside it."""

from bench import run


def test_a_slow_stretch_of_the_machine_on_both_sides_keeps_the_share():
    steady = run.shares([300, 300, 300, 300], [600, 600, 600, 600])
    slowed = run.shares([300, 150, 150, 300], [600, 300, 300, 600])
    assert steady["share_of_floor"] == slowed["share_of_floor"] == 0.5
    assert slowed["rps"] == 225 and slowed["floor_rps"] == 450


def test_the_share_is_the_pages_requests_over_the_floors_in_the_same_time():
    # Neither the best round of each (50 %) nor the median of the rounds' ratios (38 %, shown beside it).
    measured = run.shares([300, 100], [600, 400])
    assert measured["share_of_floor"] == 0.4
    assert measured["share_median_of_rounds"] == 0.375 and measured["rounds"] == [0.25, 0.5]


def test_a_page_measured_again_takes_all_its_rounds_together():
    first = {"errors": 0, "fewest_connections_of_a_worker": 7, **run.shares([150, 160], [640, 600])}
    first["page_rps_rounds"], first["floor_rps_rounds"] = [150, 160], [640, 600]
    again = {"errors": 1, "fewest_connections_of_a_worker": 5, **run.shares([190, 180], [630, 600])}
    again["page_rps_rounds"], again["floor_rps_rounds"] = [190, 180], [630, 600]
    combined = run.measure_again_before_calling_it_a_miss("Bureau queue", first, None, lambda: again)
    assert combined["share_of_floor"] == round((150 + 160 + 190 + 180) / (640 + 600 + 630 + 600), 3)
    assert combined["share_first_measurement"] == first["share_of_floor"] == round(310 / 1240, 3)
    assert combined["share_measured_again"] == again["share_of_floor"]
    assert combined["errors"] == 1 and combined["measured_again_because"] == "below its goal of 30%"
    assert combined["fewest_connections_of_a_worker"] == 5
    # A page that meets its goal is not measured again.
    met = {**first, "share_of_floor": 0.31}
    assert run.measure_again_before_calling_it_a_miss("Bureau queue", met, None, lambda: 1 / 0) is met


def test_a_round_in_which_a_worker_held_no_connection_is_counted_as_such():
    both_busy = [{"connections_per_worker": [7, 9]}, {"connections_per_worker": [6, 10]}]
    assert run.fewest_connections(both_busy) == 6
    # All sixteen on one worker: ss lists one process, and the round ran on one core.
    assert run.fewest_connections([*both_busy, {"connections_per_worker": [16]}]) == 0
