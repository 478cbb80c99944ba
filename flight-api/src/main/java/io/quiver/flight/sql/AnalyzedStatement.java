package io.quiver.flight.sql;

import io.quiver.storage.ColumnType;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

import java.util.ArrayList;
import java.util.List;

/**
 * A statement as the Flight SQL layer needs it before running it: whether it returns rows, the
 * schema of those rows, and its parameters (their markers in the text and inferred types).
 */
public record AnalyzedStatement(String sql, ParameterMarkers markers, List<ColumnType> parameterTypes, boolean returnsRows,
                                Schema datasetSchema) {
    public static final Schema NO_COLUMNS = new Schema(List.of());

    public int parameterCount() {
        return parameterTypes.size();
    }

    public Schema parameterSchema() {
        return ArrowTypes.parameterSchema(parameterTypes);
    }

    /** The SQL text for each row of a bound parameter batch, values spliced in as literals. */
    public List<String> bind(VectorSchemaRoot params) {
        if (params.getFieldVectors().size() != parameterCount()) {
            throw FlightErrors.invalid("parameter batch has " + params.getFieldVectors().size() + " columns but the statement has "
                    + parameterCount() + " parameters");
        }
        List<String> out = new ArrayList<>(params.getRowCount());
        String[] literals = new String[parameterCount()];
        for (int row = 0; row < params.getRowCount(); row++) {
            for (int i = 0; i < literals.length; i++) {
                FieldVector v = params.getVector(i);
                literals[i] = SqlLiterals.render(v, row, parameterTypes.get(i));
            }
            out.add(markers.bind(literals));
        }
        return out;
    }
}
