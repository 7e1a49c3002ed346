use sinergi_vrptw::{Matrix, Node, Problem, ProblemError};

fn nodes() -> Vec<Node> {
    vec![
        Node { id: 0, demand: 0, ready: 0.0, due: 100.0, service: 0.0 },
        Node { id: 1, demand: 5, ready: 0.0, due: 50.0, service: 1.0 },
        Node { id: 2, demand: 5, ready: 10.0, due: 60.0, service: 1.0 },
    ]
}

fn matrix() -> Vec<f64> {
    vec![0.0, 1.0, 2.0, 1.0, 0.0, 3.0, 2.0, 3.0, 0.0]
}

fn build(nodes: Vec<Node>, d: Vec<f64>, t: Vec<f64>, cap: u32, veh: usize) -> Result<Problem, ProblemError> {
    Problem::new("t", nodes, d, t, cap, veh)
}

#[test]
fn valid_problem() {
    let p = build(nodes(), matrix(), matrix(), 10, 2).unwrap();
    assert_eq!(p.num_customers(), 2);
    assert_eq!(p.dist(1, 2), 3.0);
}

#[test]
fn matrix_size_fault() {
    let e = build(nodes(), vec![0.0; 8], matrix(), 10, 2).unwrap_err();
    assert_eq!(e, ProblemError::MatrixSize { matrix: Matrix::Distance, expected: 9, actual: 8 });
    let e = build(nodes(), matrix(), vec![0.0; 10], 10, 2).unwrap_err();
    assert_eq!(e, ProblemError::MatrixSize { matrix: Matrix::TravelTime, expected: 9, actual: 10 });
}

#[test]
fn matrix_cell_faults_name_the_cell() {
    let mut d = matrix();
    d[5] = -1.0;
    let e = build(nodes(), d, matrix(), 10, 2).unwrap_err();
    assert!(matches!(e, ProblemError::BadMatrixEntry { matrix: Matrix::Distance, row: 1, col: 2, .. }), "{e:?}");
    let mut t = matrix();
    t[7] = f64::NAN;
    let e = build(nodes(), matrix(), t, 10, 2).unwrap_err();
    assert!(matches!(e, ProblemError::BadMatrixEntry { matrix: Matrix::TravelTime, row: 2, col: 1, .. }), "{e:?}");
    assert!(e.to_string().contains("(2, 1)"));
}

#[test]
fn window_faults_name_the_node() {
    let mut n = nodes();
    n[2].ready = 70.0;
    assert_eq!(
        build(n, matrix(), matrix(), 10, 2).unwrap_err(),
        ProblemError::EmptyWindow { node: 2, ready: 70.0, due: 60.0 }
    );
    let mut n = nodes();
    n[0].due = -5.0;
    assert_eq!(
        build(n, matrix(), matrix(), 10, 2).unwrap_err(),
        ProblemError::BadTime { node: 0, field: "due", value: -5.0 }
    );
    let mut n = nodes();
    n[1].service = f64::INFINITY;
    assert!(matches!(
        build(n, matrix(), matrix(), 10, 2).unwrap_err(),
        ProblemError::BadTime { node: 1, field: "service", .. }
    ));
}

#[test]
fn demand_faults() {
    let mut n = nodes();
    n[1].demand = 11;
    assert_eq!(
        build(n, matrix(), matrix(), 10, 2).unwrap_err(),
        ProblemError::DemandExceedsCapacity { node: 1, demand: 11, capacity: 10 }
    );
    let mut n = nodes();
    n[0].demand = 1;
    assert_eq!(build(n, matrix(), matrix(), 10, 2).unwrap_err(), ProblemError::DepotDemand { demand: 1 });
}

#[test]
fn fleet_and_size_faults() {
    assert_eq!(build(nodes(), matrix(), matrix(), 10, 0).unwrap_err(), ProblemError::NoVehicles);
    assert_eq!(build(nodes(), matrix(), matrix(), 0, 1).unwrap_err(), ProblemError::ZeroCapacity);
    assert_eq!(build(vec![], vec![], vec![], 10, 1).unwrap_err(), ProblemError::NoDepot);
    let mut n = nodes();
    n[2].id = 1;
    assert_eq!(build(n, matrix(), matrix(), 10, 2).unwrap_err(), ProblemError::DuplicateId { node: 2, id: 1 });
}

#[test]
fn coordinates_are_checked() {
    let p = build(nodes(), matrix(), matrix(), 10, 2).unwrap();
    assert!(p.coordinates().is_none());
    let e = p.clone().with_coordinates(vec![(0.0, 0.0), (1.0, 0.0)]).unwrap_err();
    assert_eq!(e, ProblemError::BadCoordinates { node: 2 });
    let e = p.clone().with_coordinates(vec![(0.0, 0.0), (1.0, f64::NAN), (2.0, 0.0)]).unwrap_err();
    assert_eq!(e, ProblemError::BadCoordinates { node: 1 });
    let p = p.with_coordinates(vec![(0.0, 0.0), (1.0, 0.0), (2.0, 0.0)]).unwrap();
    assert_eq!(p.coordinates().map(<[_]>::len), Some(3));
}
