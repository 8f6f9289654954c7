import KDeltaModel
import KDeltaStorageTestSupport
import Testing

@Suite struct KeyPatternTests {
    func key(_ text: String) throws -> Key { try Key(text) }

    @Test(arguments: [
        ("sensors/greenhouse/temp1", "sensors/greenhouse/temp1", true),
        ("sensors/greenhouse/temp1", "sensors/greenhouse/temp2", false),
        ("sensors/+/temp", "sensors/kitchen/temp", true),
        ("sensors/+/temp", "sensors/temp", false),
        ("sensors/+/temp", "sensors/a/b/temp", false),
        ("sensors/+/temp", "sensors/kitchen/temp/x", false),
        ("sensors/#", "sensors", true),
        ("sensors/#", "sensors/a", true),
        ("sensors/#", "sensors/a/b/c", true),
        ("sensors/#", "sensorsX/a", false),
        ("sensors/#", "meters/sensors/a", false),
        ("#", "anything/at/all", true),
        ("#", "x", true),
        ("+", "x", true),
        ("+", "x/y", false),
        ("+/+", "x/y", true),
        ("+/#", "x", true),
        ("+/#", "x/y/z", true),
        ("a/+/#", "a", false),
        ("a/+/#", "a/b", true),
    ])
    func matchingFollowsMQTTTopicFilterRules(_ pattern: String, _ text: String, _ expected: Bool) throws {
        let p = try KeyPattern(pattern)
        #expect(try p.matches(key(text)) == expected, "\(pattern) vs \(text)")
    }

    @Test func plusMatchesExactlyOneSegmentNeverZero() throws {
        let p = try KeyPattern("a/+/c")
        #expect(try p.matches(key("a/b/c")))
        #expect(try !p.matches(key("a/c")))
        #expect(try !p.matches(key("a/b/b/c")))
    }

    @Test func unicodeSegmentsCompareByCanonicalEquivalenceLikeKeys() throws {
        let precomposed = try KeyPattern("sensors/k\u{FC}che/+")
        #expect(try precomposed.matches(key("sensors/ku\u{308}che/temp")))
        #expect(try precomposed.matches(key("sensors/küche/temp")))
        #expect(try KeyPattern("温度/#").matches(key("温度/a")))
        #expect(try KeyPattern("+/🌡️").matches(key("sauna/🌡️")))
        #expect(try !KeyPattern("+/🌡️").matches(key("sauna/🌡")))
    }

    @Test func aCombiningMarkAfterTheSlashDoesNotGlueSegments() throws {
        // "/\u{301}" is one Character; segments split on the scalar '/' all the same.
        let k = try key("a/\u{301}b")
        #expect(try KeyPattern("a/+").matches(k))
        #expect(try KeyPattern("a/\u{301}b").matches(k))
        #expect(try KeyPattern("a/\u{301}b").segments.count == 2)
    }

    @Test(arguments: [
        ("a/#/b", KeyPatternError.Code.restNotLast, 2, 2),
        ("#/a", .restNotLast, 0, 1),
        ("a/temp+", .wildcardInSegment, 6, 2),
        ("a/+temp", .wildcardInSegment, 2, 2),
        ("a#", .wildcardInSegment, 1, 1),
        ("a/b#/c", .wildcardInSegment, 3, 2),
        ("/a", .emptySegment, 0, 1),
        ("a/", .emptySegment, 2, 2),
        ("a//b", .emptySegment, 2, 2),
        ("a/../b", .dotSegment, 2, 2),
        ("a/b c", .forbiddenCharacter, 3, 2),
        ("a/*", .forbiddenCharacter, 2, 2),
        ("ü/x?", .forbiddenCharacter, 4, 2),
    ])
    func invalidPatternsNameTheSegmentAndByte(_ text: String, _ code: KeyPatternError.Code, _ offset: Int, _ segment: Int) {
        do {
            _ = try KeyPattern(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.code == code, "\(text)")
            #expect(error.byteOffset == offset, "\(text)")
            #expect(error.segmentIndex == segment, "\(text)")
            #expect(error.description.contains("segment \(segment) (byte \(offset))"), "\(error)")
        }
    }

    @Test func emptyTooLongAndTooDeepPatternsAreRefused() {
        #expect(throws: KeyPatternError(code: .empty, text: "")) { try KeyPattern("") }
        let long = String(repeating: "p", count: Limits.keyBytesMax + 1)
        #expect(throws: KeyPatternError(code: .tooLong, text: long)) { try KeyPattern(long) }
        let deep = Array(repeating: "+", count: Limits.keySegmentsMax + 1).joined(separator: "/")
        #expect(throws: KeyPatternError(code: .tooManySegments, text: deep)) { try KeyPattern(deep) }
        let deepest = Array(repeating: "+", count: Limits.keySegmentsMax).joined(separator: "/")
        #expect(throws: Never.self) { try KeyPattern(deepest) }
    }

    @Test func wildcardErrorExplainsWildcardsAreWholeSegments() {
        do { _ = try KeyPattern("sensors/temp+"); Issue.record("accepted") } catch {
            #expect(error.description.contains("'+' inside segment 2 (byte 12)"), "\(error)")
            #expect(error.description.contains("only as a whole segment"))
        }
    }

    @Test func exactPatternsAndTheirKeys() throws {
        let k = try key("sensors/a/temp")
        let p = KeyPattern(exactly: k)
        #expect(p.isExact)
        #expect(p.matches(k))
        #expect(try p == KeyPattern("sensors/a/temp"))
        #expect(try !KeyPattern("sensors/+/temp").isExact)
    }

    @Test(arguments: [
        ("#", "a/b", true), ("a/#", "a", true), ("a/#", "a/+/c", true), ("a/#", "a/#", true),
        ("+/temp", "a/temp", true), ("+/temp", "+/temp", true), ("a/temp", "+/temp", false),
        ("a/+", "a/#", false), ("a", "a/#", false), ("a/+", "a/b/c", false), ("a/b", "a/b", true),
        ("sensors/greenhouse/#", "sensors/+/temp", false), ("sensors/+/temp", "sensors/greenhouse/#", false),
    ])
    func coversMeansEveryKeyOfTheOtherMatches(_ a: String, _ b: String, _ expected: Bool) throws {
        #expect(try KeyPattern(a).covers(KeyPattern(b)) == expected, "\(a) covers \(b)")
    }

    @Test func coversAgreesWithMatchingOnRandomPatterns() throws {
        var rng = SplitMix64(seed: 0xC0FE)
        let words = ["a", "b", "c"]
        func randomPattern() -> String {
            let n = Int.random(in: 1...3, using: &rng)
            var segs: [String] = []
            for i in 0..<n {
                let r = Int.random(in: 0..<10, using: &rng)
                if r == 0 && i == n - 1 { segs.append("#") } else if r < 3 { segs.append("+") } else { segs.append(words.randomElement(using: &rng)!) }
            }
            return segs.joined(separator: "/")
        }
        // Every key of up to 4 segments over the words.
        var keys: [Key] = []
        func build(_ prefix: [String]) {
            if !prefix.isEmpty { keys.append(Key(validated: prefix.joined(separator: "/"))) }
            if prefix.count == 4 { return }
            for w in words { build(prefix + [w]) }
        }
        build([])
        for _ in 0..<300 {
            let a = try KeyPattern(randomPattern())
            let b = try KeyPattern(randomPattern())
            let truth = keys.allSatisfy { !b.matches($0) || a.matches($0) }
            // Sound: whatever `covers` claims holds for every key. (Over a finite alphabet it
            // can be stricter than the truth: `+` is covered by listing every word.)
            if a.covers(b) { #expect(truth, "\(a) covers \(b)") }
            // And complete for the same shapes: a pattern covers itself and `#` covers all.
            #expect(a.covers(a))
            #expect(try KeyPattern("#").covers(b))
        }
    }

    @Test func indexFindsTheFirstMatchingPatternLikeALinearScan() throws {
        var rng = SplitMix64(seed: 42)
        let words = ["a", "b", "c", "ü"]
        func randomPattern() -> String {
            let n = Int.random(in: 1...4, using: &rng)
            var segs: [String] = []
            for i in 0..<n {
                let r = Int.random(in: 0..<10, using: &rng)
                if r == 0 && i == n - 1 { segs.append("#") } else if r < 3 { segs.append("+") } else { segs.append(words.randomElement(using: &rng)!) }
            }
            return segs.joined(separator: "/")
        }
        for round in 0..<50 {
            var patterns: [KeyPattern] = []
            for _ in 0..<Int.random(in: 0...30, using: &rng) { patterns.append(try KeyPattern(randomPattern())) }
            let index = KeyPatternIndex(patterns)
            for _ in 0..<200 {
                let n = Int.random(in: 1...5, using: &rng)
                let k = Key(validated: (0..<n).map { _ in words.randomElement(using: &rng)! }.joined(separator: "/"))
                let expected = patterns.firstIndex { $0.matches(k) }
                #expect(index.firstMatch(k) == expected, "round \(round), key \(k)")
            }
        }
    }
}
