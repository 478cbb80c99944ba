/**
 * The boundary between the query engine and storage. The engine asks a {@link
 * io.quiver.query.catalog.QueryCatalog} for tables and opens one {@link
 * io.quiver.storage.scan.TableScan} snapshot per table per query, which it closes when the query
 * ends: that is what makes every query see one consistent snapshot. DDL, INSERT and DELETE go through
 * the catalog too; a DELETE hands storage the columns to read, a zone-map prune predicate and a row
 * filter, and storage publishes the delete vectors.
 */
package io.quiver.query.catalog;
