//! The incident desk in storage: reports and their workflow (`reports`), the desk's shared picture (`desk`) and the
//! report taxonomy as data (`taxonomy`).

mod desk;
mod reports;
mod taxonomy;
