import KDeltaModel
import Testing

@Suite struct LimitsTests {
    @Test func modelLimitsAreConsistent() {
        Limits.check()
    }

    @Test func valueEqualityIsBitExact() {
        #expect(Value.double(0.0) != Value.double(-0.0))
        #expect(Value.double(.nan) == Value.double(.nan))
        #expect(Value.double(Double(bitPattern: 0x7FF8_0000_0000_0001)) != Value.double(.nan))
        #expect(Value.int(1) != Value.double(1))
    }
}
