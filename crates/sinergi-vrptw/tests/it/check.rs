use sinergi_vrptw::{Infeasibility, Node, Problem, Solution, check, to_cvrplib};

/// Depot and three customers on a line at distance 10, 20, 30 (ids 0, 11, 12, 13).
fn line() -> Problem {
    let pos = [0.0f64, 10.0, 20.0, 30.0];
    let mut m = vec![0.0; 16];
    for i in 0..4 {
        for j in 0..4 {
            m[i * 4 + j] = (pos[i] - pos[j]).abs();
        }
    }
    let nodes = vec![
        Node { id: 0, demand: 0, ready: 0.0, due: 200.0, service: 0.0 },
        Node { id: 11, demand: 4, ready: 0.0, due: 15.0, service: 2.0 },
        Node { id: 12, demand: 4, ready: 30.0, due: 40.0, service: 2.0 },
        Node { id: 13, demand: 4, ready: 0.0, due: 100.0, service: 2.0 },
    ];
    Problem::new("line", nodes, m.clone(), m, 10, 2).unwrap()
}

fn sol(routes: Vec<Vec<usize>>) -> Solution {
    Solution { routes, cost: 0.0 }
}

#[test]
fn feasible_solution_returns_distance() {
    let p = line();
    // 11 at t=10, wait until 30 at 12, 13 at 42; back at 72. Loads 8 and 4.
    assert_eq!(check(&p, &sol(vec![vec![11, 12], vec![13]])), Ok(20.0 + 20.0 + 60.0));
    assert_eq!(check(&p, &sol(vec![vec![11, 12], vec![], vec![13]])), Ok(100.0));
}

#[test]
fn detects_each_infeasibility() {
    let p = line();
    assert_eq!(
        check(&p, &sol(vec![vec![11, 12, 13]])),
        Err(Infeasibility::Capacity { route: 0, load: 12, capacity: 10 })
    );
    assert!(matches!(
        check(&p, &sol(vec![vec![12, 11], vec![13]])),
        Err(Infeasibility::TimeWindow { route: 0, customer: 11, .. })
    ));
    assert_eq!(check(&p, &sol(vec![vec![11, 12]])), Err(Infeasibility::MissingCustomer { customer: 13 }));
    assert_eq!(
        check(&p, &sol(vec![vec![11, 12], vec![13, 11]])),
        Err(Infeasibility::DuplicateCustomer { customer: 11 })
    );
    assert_eq!(
        check(&p, &sol(vec![vec![11, 12], vec![13, 99]])),
        Err(Infeasibility::UnknownCustomer { route: 1, customer: 99 })
    );
    assert_eq!(check(&p, &sol(vec![vec![11, 12], vec![0, 13]])), Err(Infeasibility::DepotInRoute { route: 1 }));
    assert_eq!(
        check(&p, &sol(vec![vec![11], vec![12], vec![13]])),
        Err(Infeasibility::TooManyRoutes { used: 3, available: 2 })
    );
    // Depot closes at 50: the route 13 returns at 62.
    let mut nodes = p.nodes().to_vec();
    nodes[0].due = 50.0;
    nodes[2].ready = 0.0;
    nodes[3].due = 45.0;
    let m: Vec<f64> = (0..16).map(|k| p.dist(k / 4, k % 4)).collect();
    let p2 = Problem::new("line", nodes, m.clone(), m, 10, 2).unwrap();
    assert!(matches!(check(&p2, &sol(vec![vec![11, 12], vec![13]])), Err(Infeasibility::DepotReturn { route: 1, .. })));
}

#[test]
fn cvrplib_format() {
    let s = Solution { routes: vec![vec![11, 12], vec![], vec![13]], cost: 100.004 };
    assert_eq!(to_cvrplib(&s), "Route #1: 11 12\nRoute #2: 13\nCost 100.00\n");
}
