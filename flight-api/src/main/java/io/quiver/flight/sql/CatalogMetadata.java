package io.quiver.flight.sql;

import io.quiver.query.catalog.QueryCatalog;
import io.quiver.query.catalog.TableHandle;
import io.quiver.storage.ColumnDef;
import io.quiver.storage.ColumnType;
import io.quiver.storage.TableSchema;
import org.apache.arrow.flight.sql.FlightSqlProducer.Schemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetDbSchemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetTables;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetXdbcTypeInfo;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

import java.nio.charset.StandardCharsets;
import java.sql.DatabaseMetaData;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The catalog metadata results, each in exactly the schema the Flight SQL spec gives it
 * ({@link Schemas}). Quiver has no catalogs and one schema, {@value #SCHEMA}; every table is of
 * type {@value #TABLE_TYPE}; there are no primary or foreign keys. The returned roots belong to
 * the caller, who sends and closes them.
 */
final class CatalogMetadata {
    static final String SCHEMA = "public";
    static final String TABLE_TYPE = "TABLE";

    private final QueryCatalog catalog;

    CatalogMetadata(QueryCatalog catalog) {
        this.catalog = catalog;
    }

    boolean tableExists(String name) {
        return catalog.table(name).isPresent();
    }

    static VectorSchemaRoot empty(Schema schema, BufferAllocator allocator) {
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        root.allocateNew();
        root.setRowCount(0);
        return root;
    }

    VectorSchemaRoot tableTypes(BufferAllocator allocator) {
        VectorSchemaRoot root = empty(Schemas.GET_TABLE_TYPES_SCHEMA, allocator);
        setString(root.getVector(0), 0, TABLE_TYPE);
        root.setRowCount(1);
        return root;
    }

    /** No catalog is reported: an empty catalog filter ("tables without a catalog") still matches. */
    private static boolean catalogMatches(boolean has, String catalog) {
        return !has || catalog.isEmpty();
    }

    VectorSchemaRoot schemas(CommandGetDbSchemas cmd, BufferAllocator allocator) {
        VectorSchemaRoot root = empty(Schemas.GET_SCHEMAS_SCHEMA, allocator);
        NamePattern p = NamePattern.of(cmd.hasDbSchemaFilterPattern(), cmd.getDbSchemaFilterPattern());
        int rows = 0;
        if (catalogMatches(cmd.hasCatalog(), cmd.getCatalog()) && NamePattern.matches(p, SCHEMA)) {
            root.getVector(0).setNull(0);
            setString(root.getVector(1), 0, SCHEMA);
            rows = 1;
        }
        root.setRowCount(rows);
        return root;
    }

    VectorSchemaRoot tables(CommandGetTables cmd, BufferAllocator allocator) {
        Schema schema = cmd.getIncludeSchema() ? Schemas.GET_TABLES_SCHEMA : Schemas.GET_TABLES_SCHEMA_NO_SCHEMA;
        VectorSchemaRoot root = empty(schema, allocator);
        NamePattern schemaP = NamePattern.of(cmd.hasDbSchemaFilterPattern(), cmd.getDbSchemaFilterPattern());
        NamePattern tableP = NamePattern.of(cmd.hasTableNameFilterPattern(), cmd.getTableNameFilterPattern());
        boolean typeOk = cmd.getTableTypesCount() == 0
                || cmd.getTableTypesList().stream().anyMatch(t -> t.equalsIgnoreCase(TABLE_TYPE));
        int row = 0;
        if (typeOk && catalogMatches(cmd.hasCatalog(), cmd.getCatalog()) && NamePattern.matches(schemaP, SCHEMA)) {
            for (String name : catalog.tableNames().stream().sorted(String.CASE_INSENSITIVE_ORDER).toList()) {
                if (!NamePattern.matches(tableP, name)) {
                    continue;
                }
                Optional<TableHandle> h = catalog.table(name);
                if (h.isEmpty()) {
                    continue; // dropped while we listed
                }
                root.getVector(0).setNull(row);
                setString(root.getVector(1), row, SCHEMA);
                setString(root.getVector(2), row, h.get().schema().name());
                setString(root.getVector(3), row, TABLE_TYPE);
                if (cmd.getIncludeSchema()) {
                    ((VarBinaryVector) root.getVector(4)).setSafe(row, tableSchema(h.get().schema()).serializeAsMessage());
                }
                row++;
            }
        }
        root.setRowCount(row);
        return root;
    }

    /** A table's columns as Arrow fields with the column metadata JDBC's getColumns reads. */
    static Schema tableSchema(TableSchema t) {
        List<Field> fields = new ArrayList<>(t.columnCount());
        for (ColumnDef c : t.columns()) {
            fields.add(ArrowTypes.field(c.name(), c.type(), SCHEMA, t.name()));
        }
        return new Schema(fields);
    }

    VectorSchemaRoot typeInfo(CommandGetXdbcTypeInfo cmd, BufferAllocator allocator) {
        VectorSchemaRoot root = empty(Schemas.GET_TYPE_INFO_SCHEMA, allocator);
        int row = 0;
        for (ColumnType t : ColumnType.values()) {
            if (!t.storable()) {
                continue; // type info lists what DDL can declare
            }
            int jdbc = ArrowTypes.jdbcType(t);
            if (cmd.hasDataType() && cmd.getDataType() != jdbc) {
                continue;
            }
            String prefix = switch (t) {
                case VARCHAR -> "'";
                case DATE -> "DATE '";
                case TIMESTAMP -> "TIMESTAMP '";
                default -> null;
            };
            setString(root.getVector("type_name"), row, t.name());
            setInt(root.getVector("data_type"), row, jdbc);
            setInt(root.getVector("column_size"), row, ArrowTypes.precision(t));
            setString(root.getVector("literal_prefix"), row, prefix);
            setString(root.getVector("literal_suffix"), row, prefix == null ? null : "'");
            root.getVector("create_params").setNull(row);
            setInt(root.getVector("nullable"), row, DatabaseMetaData.typeNullable);
            setBit(root.getVector("case_sensitive"), row, t == ColumnType.VARCHAR);
            setInt(root.getVector("searchable"), row, DatabaseMetaData.typeSearchable);
            setBit(root.getVector("unsigned_attribute"), row, t == ColumnType.BOOLEAN);
            setBit(root.getVector("fixed_prec_scale"), row, false);
            setBit(root.getVector("auto_increment"), row, false);
            setString(root.getVector("local_type_name"), row, t.name().toLowerCase(Locale.ROOT));
            setInt(root.getVector("minimum_scale"), row, 0);
            setInt(root.getVector("maximum_scale"), row, t == ColumnType.DOUBLE ? 15 : 0);
            setInt(root.getVector("sql_data_type"), row, jdbc);
            root.getVector("datetime_subcode").setNull(row);
            setInt(root.getVector("num_prec_radix"), row, t == ColumnType.DOUBLE ? 2 : 10);
            root.getVector("interval_precision").setNull(row);
            row++;
        }
        root.setRowCount(row);
        return root;
    }

    private static void setString(FieldVector v, int row, String s) {
        if (s == null) {
            v.setNull(row);
        } else {
            ((VarCharVector) v).setSafe(row, s.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void setInt(FieldVector v, int row, int x) {
        ((IntVector) v).setSafe(row, x);
    }

    private static void setBit(FieldVector v, int row, boolean b) {
        ((BitVector) v).setSafe(row, b ? 1 : 0);
    }
}
