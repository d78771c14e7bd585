"""Same-city delivery routes: vehicle routing with time windows and capacity
(OR-Tools), on a haversine distance matrix (no map service, works offline)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

EARTH_KM = 6371.0
SPEED_KMH = 30.0  # town traffic
SERVICE_MIN = 10  # unloading and signing at each stop
HORIZON_MIN = 24 * 60


@dataclass(frozen=True)
class Stop:
    lat: float
    lon: float
    grams: int
    open_min: int = 0  # receiving window, minutes after midnight
    close_min: int = HORIZON_MIN

    @property
    def lat_lon(self) -> tuple[float, float]:
        return (self.lat, self.lon)


@dataclass(frozen=True)
class Visit:
    stop: int  # index into the stops given
    vehicle: int
    sequence: int
    arrival_min: int


@dataclass(frozen=True)
class Plan:
    visits: list[Visit]
    dropped: list[int]
    total_km: float


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_KM * math.asin(math.sqrt(h))


def _matrices(points: list[tuple[float, float]]) -> tuple[list[list[int]], list[list[int]]]:
    metres = [[round(haversine_km(a, b) * 1000) for b in points] for a in points]
    minutes = [[math.ceil(m / 1000 / SPEED_KMH * 60) for m in row] for row in metres]
    return metres, minutes


def plan(
    depot: tuple[float, float],
    stops: list[Stop],
    *,
    vehicles: int,
    capacity_grams: int,
    start_min: int = 7 * 60,
    seconds: int = 2,
) -> Plan:
    """Routes from ``depot``; stops that cannot be served in time or capacity are dropped."""
    if not stops:
        return Plan([], [], 0.0)
    metres, minutes = _matrices([depot, *(s.lat_lon for s in stops)])
    manager = pywrapcp.RoutingIndexManager(len(stops) + 1, vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)

    def node(index: int) -> int:
        return int(manager.IndexToNode(index))

    def distance(i: int, j: int) -> int:
        return metres[node(i)][node(j)]

    def travel(i: int, j: int) -> int:
        service = SERVICE_MIN if node(i) else 0
        return minutes[node(i)][node(j)] + service

    def demand(i: int) -> int:
        return stops[node(i) - 1].grams if node(i) else 0

    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitCallback(distance))
    time_cb = routing.RegisterTransitCallback(travel)
    routing.AddDimension(time_cb, 120, HORIZON_MIN, False, "Time")
    time = routing.GetDimensionOrDie("Time")
    routing.AddDimensionWithVehicleCapacity(
        routing.RegisterUnaryTransitCallback(demand), 0, [capacity_grams] * vehicles, True, "Load"
    )
    for i, stop in enumerate(stops, start=1):
        index = manager.NodeToIndex(i)
        time.CumulVar(index).SetRange(stop.open_min, stop.close_min)
        routing.AddDisjunction([index], 10_000_000)  # drop only if it cannot be served
    for v in range(vehicles):
        time.CumulVar(routing.Start(v)).SetRange(start_min, HORIZON_MIN)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromSeconds(seconds)
    solution = routing.SolveWithParameters(params)
    if solution is None:
        return Plan([], list(range(len(stops))), 0.0)
    visits: list[Visit] = []
    total = 0
    for v in range(vehicles):
        index, seq = routing.Start(v), 0
        while not routing.IsEnd(index):
            nxt = solution.Value(routing.NextVar(index))
            total += metres[node(index)][node(nxt)]
            if node(index):
                seq += 1
                arrival = int(solution.Min(time.CumulVar(index)))
                visits.append(Visit(node(index) - 1, v + 1, seq, arrival))
            index = nxt
    served = {visit.stop for visit in visits}
    dropped = [i for i in range(len(stops)) if i not in served]
    return Plan(visits, dropped, round(total / 1000, 1))
