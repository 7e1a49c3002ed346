//! Problem definition, validation and the Solomon / Gehring–Homberger text parser.

use std::fmt;

/// Data of one node (node 0 is the depot, nodes `1..=n` are customers).
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// External number of the node (e.g. `CUST NO.` in a Solomon file); used in [`crate::Solution`] routes.
    pub id: usize,
    /// Demand (must be 0 for the depot).
    pub demand: u32,
    /// Earliest start of service.
    pub ready: f64,
    /// Latest start of service (for the depot: latest return time).
    pub due: f64,
    /// Service duration.
    pub service: f64,
}

/// Which matrix a matrix fault refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Matrix {
    /// The distance matrix.
    Distance,
    /// The travel-time matrix.
    TravelTime,
}

impl fmt::Display for Matrix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Matrix::Distance => write!(f, "distance matrix"),
            Matrix::TravelTime => write!(f, "travel-time matrix"),
        }
    }
}

/// A fault found while validating a [`Problem`].
#[derive(Clone, Debug, PartialEq)]
pub enum ProblemError {
    /// No nodes at all (the depot is required).
    NoDepot,
    /// The fleet is empty.
    NoVehicles,
    /// Capacity is zero.
    ZeroCapacity,
    /// A matrix does not have `(n+1)^2` entries.
    MatrixSize { matrix: Matrix, expected: usize, actual: usize },
    /// A matrix cell is negative, NaN or infinite.
    BadMatrixEntry { matrix: Matrix, row: usize, col: usize, value: f64 },
    /// A time window bound or service time is negative, NaN or infinite.
    BadTime { node: usize, field: &'static str, value: f64 },
    /// `ready > due`.
    EmptyWindow { node: usize, ready: f64, due: f64 },
    /// The depot has a non-zero demand.
    DepotDemand { demand: u32 },
    /// A customer's demand exceeds the vehicle capacity.
    DemandExceedsCapacity { node: usize, demand: u32, capacity: u32 },
    /// Two nodes share the same external id.
    DuplicateId { node: usize, id: usize },
    /// Coordinates were given for a different number of nodes, or one is not finite.
    BadCoordinates { node: usize },
}

impl fmt::Display for ProblemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProblemError::NoDepot => write!(f, "no nodes: node 0 (the depot) is required"),
            ProblemError::NoVehicles => write!(f, "number of vehicles must be at least 1"),
            ProblemError::ZeroCapacity => write!(f, "vehicle capacity must be positive"),
            ProblemError::MatrixSize { matrix, expected, actual } => {
                write!(f, "{matrix} has {actual} entries, expected {expected}")
            }
            ProblemError::BadMatrixEntry { matrix, row, col, value } => {
                write!(f, "{matrix} cell ({row}, {col}) is {value}; entries must be finite and non-negative")
            }
            ProblemError::BadTime { node, field, value } => {
                write!(f, "node {node}: {field} is {value}; must be finite and non-negative")
            }
            ProblemError::EmptyWindow { node, ready, due } => {
                write!(f, "node {node}: time window ready {ready} is after due {due}")
            }
            ProblemError::DepotDemand { demand } => write!(f, "depot (node 0) has demand {demand}; must be 0"),
            ProblemError::DemandExceedsCapacity { node, demand, capacity } => {
                write!(f, "node {node}: demand {demand} exceeds vehicle capacity {capacity}")
            }
            ProblemError::DuplicateId { node, id } => write!(f, "node {node}: id {id} is used by an earlier node"),
            ProblemError::BadCoordinates { node } => {
                write!(f, "coordinates: node {node} is missing or not finite (one finite (x, y) per node is required)")
            }
        }
    }
}

impl std::error::Error for ProblemError {}

/// A VRPTW instance. Node 0 is the depot; matrices are row-major `(n+1) x (n+1)`.
///
/// Costs and times come only from the matrices, so asymmetric road/river/sea travel times are
/// supported. Coordinates are optional ([`Problem::with_coordinates`]; the Solomon parser sets
/// them): the solver uses them only to number the nodes internally so that nearby nodes are
/// near in memory, which makes the search faster but does not change what it optimises. Service at a node must start within `[ready, due]`; waiting is allowed.
/// Every vehicle leaves the depot no earlier than the depot's `ready` and returns by its `due`.
#[derive(Clone, Debug)]
pub struct Problem {
    name: String,
    nodes: Vec<Node>,
    dist: Vec<f64>,
    time: Vec<f64>,
    capacity: u32,
    num_vehicles: usize,
    coords: Option<Vec<(f64, f64)>>,
}

fn check_matrix(m: &[f64], which: Matrix, size: usize) -> Result<(), ProblemError> {
    if m.len() != size * size {
        return Err(ProblemError::MatrixSize { matrix: which, expected: size * size, actual: m.len() });
    }
    for (k, &v) in m.iter().enumerate() {
        if !v.is_finite() || v < 0.0 {
            return Err(ProblemError::BadMatrixEntry { matrix: which, row: k / size, col: k % size, value: v });
        }
    }
    Ok(())
}

impl Problem {
    /// Builds and validates a problem.
    ///
    /// `distance` and `travel_time` are row-major matrices of size `nodes.len()^2` (they may be equal).
    pub fn new(
        name: impl Into<String>,
        nodes: Vec<Node>,
        distance: Vec<f64>,
        travel_time: Vec<f64>,
        capacity: u32,
        num_vehicles: usize,
    ) -> Result<Problem, ProblemError> {
        let size = nodes.len();
        if size == 0 {
            return Err(ProblemError::NoDepot);
        }
        if num_vehicles == 0 {
            return Err(ProblemError::NoVehicles);
        }
        if capacity == 0 {
            return Err(ProblemError::ZeroCapacity);
        }
        check_matrix(&distance, Matrix::Distance, size)?;
        check_matrix(&travel_time, Matrix::TravelTime, size)?;
        let mut seen = std::collections::HashSet::new();
        for (i, nd) in nodes.iter().enumerate() {
            for (field, value) in [("ready", nd.ready), ("due", nd.due), ("service", nd.service)] {
                if !value.is_finite() || value < 0.0 {
                    return Err(ProblemError::BadTime { node: i, field, value });
                }
            }
            if nd.ready > nd.due {
                return Err(ProblemError::EmptyWindow { node: i, ready: nd.ready, due: nd.due });
            }
            if i == 0 && nd.demand != 0 {
                return Err(ProblemError::DepotDemand { demand: nd.demand });
            }
            if nd.demand > capacity {
                return Err(ProblemError::DemandExceedsCapacity { node: i, demand: nd.demand, capacity });
            }
            if !seen.insert(nd.id) {
                return Err(ProblemError::DuplicateId { node: i, id: nd.id });
            }
        }
        Ok(Problem {
            name: name.into(),
            nodes,
            dist: distance,
            time: travel_time,
            capacity,
            num_vehicles,
            coords: None,
        })
    }

    /// Attaches planar coordinates, one `(x, y)` per node (depot first). They never enter the
    /// objective; the solver uses them only for a memory layout in which nearby nodes are near.
    pub fn with_coordinates(mut self, coords: Vec<(f64, f64)>) -> Result<Problem, ProblemError> {
        if coords.len() != self.nodes.len() {
            return Err(ProblemError::BadCoordinates { node: coords.len().min(self.nodes.len()) });
        }
        if let Some(node) = coords.iter().position(|c| !(c.0.is_finite() && c.1.is_finite())) {
            return Err(ProblemError::BadCoordinates { node });
        }
        self.coords = Some(coords);
        Ok(self)
    }

    /// The coordinates, when given.
    pub fn coordinates(&self) -> Option<&[(f64, f64)]> {
        self.coords.as_deref()
    }

    /// Parses the Solomon / Gehring–Homberger text format. Distances and travel times are the
    /// double-precision Euclidean distances between coordinates (no rounding).
    pub fn from_solomon(text: &str) -> Result<Problem, SolomonError> {
        parse_solomon(text)
    }

    /// Instance name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Number of customers `n` (nodes `1..=n`).
    pub fn num_customers(&self) -> usize {
        self.nodes.len() - 1
    }
    /// Number of nodes including the depot.
    pub fn num_nodes(&self) -> usize {
        self.nodes.len()
    }
    /// All nodes, depot first.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }
    /// Vehicle capacity.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }
    /// Number of vehicles available.
    pub fn num_vehicles(&self) -> usize {
        self.num_vehicles
    }
    /// Distance from node index `i` to node index `j`.
    #[inline]
    pub fn dist(&self, i: usize, j: usize) -> f64 {
        self.dist[i * self.nodes.len() + j]
    }
    /// Travel time from node index `i` to node index `j`.
    #[inline]
    pub fn time(&self, i: usize, j: usize) -> f64 {
        self.time[i * self.nodes.len() + j]
    }
    /// Node index of an external id, if any.
    pub fn index_of(&self, id: usize) -> Option<usize> {
        // Fast path: ids equal to indices (the usual case).
        if id < self.nodes.len() && self.nodes[id].id == id {
            return Some(id);
        }
        self.nodes.iter().position(|nd| nd.id == id)
    }
}

/// Error from [`Problem::from_solomon`].
#[derive(Clone, Debug, PartialEq)]
pub enum SolomonError {
    /// Syntax fault at a 1-based line, naming the field.
    Parse { line: usize, field: &'static str, message: String },
    /// The file parsed but the data is invalid.
    Invalid(ProblemError),
}

impl fmt::Display for SolomonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SolomonError::Parse { line, field, message } => write!(f, "line {line}, field {field}: {message}"),
            SolomonError::Invalid(e) => write!(f, "invalid instance: {e}"),
        }
    }
}

impl std::error::Error for SolomonError {}

impl From<ProblemError> for SolomonError {
    fn from(e: ProblemError) -> Self {
        SolomonError::Invalid(e)
    }
}

fn perr(line: usize, field: &'static str, message: impl Into<String>) -> SolomonError {
    SolomonError::Parse { line, field, message: message.into() }
}

fn num(tok: Option<&str>, line: usize, field: &'static str) -> Result<f64, SolomonError> {
    let tok = tok.ok_or_else(|| perr(line, field, "missing value"))?;
    let v: f64 = tok.parse().map_err(|_| perr(line, field, format!("cannot parse {tok:?} as a number")))?;
    if !v.is_finite() {
        return Err(perr(line, field, format!("{tok:?} is not finite")));
    }
    Ok(v)
}

fn integer(tok: Option<&str>, line: usize, field: &'static str) -> Result<u64, SolomonError> {
    let v = num(tok, line, field)?;
    if v < 0.0 || v.fract() != 0.0 || v > u32::MAX as f64 {
        return Err(perr(line, field, format!("{v} is not a non-negative integer")));
    }
    Ok(v as u64)
}

fn parse_solomon(text: &str) -> Result<Problem, SolomonError> {
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())).filter(|(_, l)| !l.is_empty());
    let (_, name) = lines.next().ok_or_else(|| perr(1, "name", "empty file"))?;
    let name = name.to_string();
    let (ln, l) = lines.next().ok_or_else(|| perr(1, "VEHICLE", "missing VEHICLE section"))?;
    if !l.to_ascii_uppercase().starts_with("VEHICLE") {
        return Err(perr(ln, "VEHICLE", format!("expected VEHICLE, found {l:?}")));
    }
    let (ln, l) = lines.next().ok_or_else(|| perr(ln, "NUMBER", "missing NUMBER/CAPACITY header"))?;
    if !l.to_ascii_uppercase().starts_with("NUMBER") {
        return Err(perr(ln, "NUMBER", format!("expected NUMBER CAPACITY header, found {l:?}")));
    }
    let (ln, l) = lines.next().ok_or_else(|| perr(ln, "NUMBER", "missing vehicle number and capacity"))?;
    let mut toks = l.split_whitespace();
    let vehicles = integer(toks.next(), ln, "NUMBER")? as usize;
    let capacity = integer(toks.next(), ln, "CAPACITY")? as u32;
    if toks.next().is_some() {
        return Err(perr(ln, "CAPACITY", "unexpected extra value after CAPACITY"));
    }
    let (ln, l) = lines.next().ok_or_else(|| perr(ln, "CUSTOMER", "missing CUSTOMER section"))?;
    if !l.to_ascii_uppercase().starts_with("CUSTOMER") {
        return Err(perr(ln, "CUSTOMER", format!("expected CUSTOMER, found {l:?}")));
    }
    let (ln, l) = lines.next().ok_or_else(|| perr(ln, "CUST NO.", "missing customer table header"))?;
    if !l.to_ascii_uppercase().starts_with("CUST") {
        return Err(perr(ln, "CUST NO.", format!("expected customer table header, found {l:?}")));
    }
    let mut nodes = Vec::new();
    let mut coords = Vec::new();
    for (ln, l) in lines {
        let mut t = l.split_whitespace();
        let id = integer(t.next(), ln, "CUST NO.")? as usize;
        let x = num(t.next(), ln, "XCOORD.")?;
        let y = num(t.next(), ln, "YCOORD.")?;
        let demand = integer(t.next(), ln, "DEMAND")? as u32;
        let ready = num(t.next(), ln, "READY TIME")?;
        let due = num(t.next(), ln, "DUE DATE")?;
        let service = num(t.next(), ln, "SERVICE TIME")?;
        if t.next().is_some() {
            return Err(perr(ln, "SERVICE TIME", "unexpected extra value after SERVICE TIME"));
        }
        if ready > due {
            return Err(perr(ln, "DUE DATE", format!("due date {due} is before ready time {ready}")));
        }
        if demand > capacity {
            return Err(perr(ln, "DEMAND", format!("demand {demand} exceeds capacity {capacity}")));
        }
        if nodes.is_empty() && demand != 0 {
            return Err(perr(ln, "DEMAND", format!("depot demand is {demand}; must be 0")));
        }
        for (field, v) in [("READY TIME", ready), ("SERVICE TIME", service)] {
            if v < 0.0 {
                return Err(perr(ln, field, format!("{v} is negative")));
            }
        }
        nodes.push(Node { id, demand, ready, due, service });
        coords.push((x, y));
    }
    if nodes.is_empty() {
        return Err(perr(text.lines().count().max(1), "CUST NO.", "customer table is empty (no depot row)"));
    }
    let size = nodes.len();
    let mut dist = vec![0.0; size * size];
    for i in 0..size {
        for j in 0..size {
            let (dx, dy) = (coords[i].0 - coords[j].0, coords[i].1 - coords[j].1);
            dist[i * size + j] = (dx * dx + dy * dy).sqrt();
        }
    }
    let time = dist.clone();
    Ok(Problem::new(name, nodes, dist, time, capacity, vehicles)?.with_coordinates(coords)?)
}
