/// Points as rows of a dense matrix of doubles, stored flat: a million
/// customers by a dozen features is one allocation, read in order.
public struct FeatureMatrix: Sendable, Hashable {
    public let rows: Int
    public let columns: Int
    public internal(set) var values: [Double]

    public init(rows: Int, columns: Int, values: [Double]) {
        precondition(rows >= 0 && columns > 0 && values.count == rows * columns, "a \(rows) × \(columns) matrix holds \(rows * columns) values")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// The matrix whose rows are `points` (all of one length).
    public init(_ points: [[Double]]) {
        let columns = points.first?.count ?? 1
        precondition(points.allSatisfy { $0.count == columns }, "every point has the same number of features")
        self.init(rows: points.count, columns: columns, values: points.flatMap { $0 })
    }

    public func row(_ index: Int) -> ArraySlice<Double> {
        values[(index * columns)..<((index + 1) * columns)]
    }

    /// Each column's mean and standard deviation (population), and the
    /// matrix with every column centred and scaled to unit variance (a
    /// constant column is only centred).
    public func standardised() -> (matrix: FeatureMatrix, scaling: Standardisation) {
        let scaling = Standardisation(fittedTo: self)
        var result = self
        for row in 0..<rows {
            for column in 0..<columns {
                result.values[row * columns + column] = scaling.apply(values[row * columns + column], column: column)
            }
        }
        return (result, scaling)
    }
}

/// A column-wise z-score: what turns a customer's raw features into the
/// space the clusters were found in, so one customer can be placed later
/// without refitting.
public struct Standardisation: Sendable, Hashable, Codable {
    public var means: [Double]
    public var deviations: [Double]

    public init(means: [Double], deviations: [Double]) {
        self.means = means
        self.deviations = deviations
    }

    public init(fittedTo matrix: FeatureMatrix) {
        var means = [Double](repeating: 0, count: matrix.columns)
        var squares = [Double](repeating: 0, count: matrix.columns)
        let n = Double(max(matrix.rows, 1))
        for row in 0..<matrix.rows {
            for column in 0..<matrix.columns { means[column] += matrix.values[row * matrix.columns + column] }
        }
        means = means.map { $0 / n }
        for row in 0..<matrix.rows {
            for column in 0..<matrix.columns {
                let d = matrix.values[row * matrix.columns + column] - means[column]
                squares[column] += d * d
            }
        }
        self.init(means: means, deviations: squares.map { ($0 / n).squareRoot() })
    }

    public func apply(_ value: Double, column: Int) -> Double {
        let deviation = deviations[column]
        return deviation > 0 ? (value - means[column]) / deviation : value - means[column]
    }

    public func apply(_ point: [Double]) -> [Double] {
        point.enumerated().map { apply($1, column: $0) }
    }

    /// Back from the standardised space to the features' own units.
    public func invert(_ point: [Double]) -> [Double] {
        point.enumerated().map { column, value in value * (deviations[column] > 0 ? deviations[column] : 1) + means[column] }
    }
}
