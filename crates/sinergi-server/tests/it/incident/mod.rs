//! The incident desk: filing reports through the API and from an SMS gateway, the workflow and escalations
//! (`reports`); the live feed, sharing and duplicates (`desk`); the taxonomy as data (`taxonomy`); the desk's pages,
//! exports and map (`pages`); and the field form, offline in a browser and without JavaScript (`field`).

mod desk;
mod field;
mod pages;
mod reports;
mod taxonomy;
