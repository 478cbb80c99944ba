package io.quiver.flight.sql;

import io.quiver.storage.ColumnType;
import org.apache.arrow.flight.sql.FlightSqlColumnMetadata;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place that says which Arrow type carries each Quiver type (see the module README).
 * Results use the exact Quiver widths; TIMESTAMP is an instant, so it travels as
 * {@code Timestamp(MICROSECOND, "UTC")}. Parameters differ only for TIMESTAMP, which is declared
 * in milliseconds because the Flight SQL JDBC driver binds {@code java.sql.Timestamp} as epoch
 * milliseconds whatever unit the parameter schema names.
 */
public final class ArrowTypes {
    public static final String UTC = "UTC";

    private ArrowTypes() {
    }

    public static ArrowType of(ColumnType t) {
        return switch (t) {
            case BOOLEAN -> ArrowType.Bool.INSTANCE;
            case SMALLINT -> new ArrowType.Int(16, true);
            case INT -> new ArrowType.Int(32, true);
            case BIGINT -> new ArrowType.Int(64, true);
            case DOUBLE -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case DATE -> new ArrowType.Date(DateUnit.DAY);
            case TIMESTAMP -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, UTC);
            case VARCHAR -> ArrowType.Utf8.INSTANCE;
            case INTERVAL -> new ArrowType.Duration(TimeUnit.MICROSECOND);
        };
    }

    /** The Arrow type a parameter of this Quiver type is declared with. */
    public static ArrowType ofParameter(ColumnType t) {
        return t == ColumnType.TIMESTAMP ? new ArrowType.Timestamp(TimeUnit.MILLISECOND, UTC) : of(t);
    }

    /** A nullable result field carrying the Flight SQL column metadata BI tools show. */
    public static Field field(String name, ColumnType t, String schemaName, String tableName) {
        FlightSqlColumnMetadata.Builder md = new FlightSqlColumnMetadata.Builder()
                .typeName(t.name())
                .precision(precision(t))
                .scale(t == ColumnType.DOUBLE ? 15 : 0)
                .isAutoIncrement(false)
                .isCaseSensitive(false)
                .isReadOnly(true)
                .isSearchable(true);
        if (tableName != null) {
            md.schemaName(schemaName).tableName(tableName);
        }
        return new Field(name, new FieldType(true, of(t), null, md.build().getMetadataMap()), null);
    }

    public static Schema resultSchema(List<String> names, List<ColumnType> types) {
        List<Field> fields = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            fields.add(field(names.get(i), types.get(i), null, null));
        }
        return new Schema(fields);
    }

    public static Schema parameterSchema(List<ColumnType> types) {
        List<Field> fields = new ArrayList<>(types.size());
        for (int i = 0; i < types.size(); i++) {
            fields.add(new Field("p" + (i + 1), FieldType.nullable(ofParameter(types.get(i))), null));
        }
        return new Schema(fields);
    }

    /** Decimal digits (numbers), characters (text and date/time) as JDBC's COLUMN_SIZE defines them. */
    public static int precision(ColumnType t) {
        return switch (t) {
            case BOOLEAN -> 1;
            case SMALLINT -> 5;
            case INT -> 10;
            case BIGINT -> 19;
            case DOUBLE -> 15;
            case DATE -> 10;
            case TIMESTAMP -> 26;
            case VARCHAR -> 65536;
            case INTERVAL -> 19;
        };
    }

    public static int jdbcType(ColumnType t) {
        return switch (t) {
            case BOOLEAN -> Types.BOOLEAN;
            case SMALLINT -> Types.SMALLINT;
            case INT -> Types.INTEGER;
            case BIGINT -> Types.BIGINT;
            case DOUBLE -> Types.DOUBLE;
            case DATE -> Types.DATE;
            case TIMESTAMP -> Types.TIMESTAMP;
            case VARCHAR -> Types.VARCHAR;
            case INTERVAL -> Types.OTHER;
        };
    }
}
