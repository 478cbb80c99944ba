/**
 * The boundary between the query engine and storage. The engine asks a {@link
 * io.quiver.query.catalog.QueryCatalog} for tables and opens one {@link
 * io.quiver.storage.scan.TableScan} snapshot per table per query, which it closes when the query
 * ends: that is what makes every query see one consistent snapshot.
 */
package io.quiver.query.catalog;
