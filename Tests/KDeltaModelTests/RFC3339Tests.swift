import KDeltaModel
import KDeltaStorageTestSupport
import Testing

@Suite struct RFC3339Tests {
    func failure(_ text: String) -> RFC3339Error? {
        do {
            _ = try RFC3339.parseMs(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func knownInstantsParse() throws {
        #expect(try RFC3339.parseMs("1970-01-01T00:00:00Z") == 0)
        #expect(try RFC3339.parseMs("2006-12-16T17:24:00Z") == 1_166_289_840_000)
        #expect(try RFC3339.parseMs("2006-12-16t17:24:00z") == 1_166_289_840_000)
        #expect(try RFC3339.parseMs("2006-12-16 17:24:00Z") == 1_166_289_840_000)
        #expect(try RFC3339.parseMs("2006-12-16T18:24:00+01:00") == 1_166_289_840_000)
        #expect(try RFC3339.parseMs("2006-12-16T12:54:00-04:30") == 1_166_289_840_000)
        #expect(try RFC3339.parseMs("2006-12-16T17:24:00-00:00") == 1_166_289_840_000)
        #expect(try RFC3339.parseMs("2000-02-29T23:59:59.999Z") == 951_868_799_999)
        #expect(try RFC3339.parseMs("9999-12-31T23:59:59.999Z") == Limits.sourceTimeMsMax)
    }

    @Test func fractionsOfAnyLengthAreTruncatedToTheMillisecond() throws {
        #expect(try RFC3339.parseMs("1970-01-01T00:00:00.5Z") == 500)
        #expect(try RFC3339.parseMs("1970-01-01T00:00:00.05Z") == 50)
        #expect(try RFC3339.parseMs("1970-01-01T00:00:00.123Z") == 123)
        #expect(try RFC3339.parseMs("1970-01-01T00:00:00.1239Z") == 123)
        #expect(try RFC3339.parseMs("1970-01-01T00:00:00.999999999999Z") == 999)
        #expect(try RFC3339.parseMs("2017-05-01T00:00:59.9999+02:00") == 1_493_589_659_999)
    }

    @Test func leapSecondIsTheLastMillisecondOfItsMinute() throws {
        #expect(try RFC3339.parseMs("2016-12-31T23:59:60Z") == 1_483_228_799_999)
        #expect(try RFC3339.parseMs("2016-12-31T23:59:60.5Z") == 1_483_228_799_999)
        // At any minute, since an offset moves the UTC minute a leap second falls in (and
        // the fast path for common layouts agrees).
        #expect(try RFC3339.parseMs("2017-01-01T00:59:60+01:00") == 1_483_228_799_999)
        #expect(try RFC3339.parseMs("2024-05-01T12:34:60Z") == 1_714_566_899_999)
        #expect(RFC3339.format(ms: try RFC3339.parseMs("2024-05-01T12:34:60.000Z")) == "2024-05-01T12:34:59.999Z")
    }

    @Test func formatWritesUTCWithMilliseconds() {
        #expect(RFC3339.format(ms: 0) == "1970-01-01T00:00:00.000Z")
        #expect(RFC3339.format(ms: 1_166_289_840_000) == "2006-12-16T17:24:00.000Z")
        #expect(RFC3339.format(ms: 951_868_799_999) == "2000-02-29T23:59:59.999Z")
        #expect(RFC3339.format(ms: Limits.sourceTimeMsMax) == "9999-12-31T23:59:59.999Z")
        #expect(RFC3339.format(ms: -1) == "1969-12-31T23:59:59.999Z")
    }

    @Test func seededRandomTimesRoundTripThroughFormat() throws {
        var rng = SplitMix64(seed: 3339)
        for _ in 0..<100_000 {
            let ms = Int64.random(in: Limits.sourceTimeMsMin...Limits.sourceTimeMsMax, using: &rng)
            let text = RFC3339.format(ms: ms)
            #expect(try RFC3339.parseMs(text) == ms, "\(ms) \(text)")
        }
    }

    /// Random instants written in every layout RFC 3339 allows (offsets, fraction lengths,
    /// separators, case), each compared with the instant it must mean.
    @Test func seededRandomLayoutsParseToTheirInstant() throws {
        var rng = SplitMix64(seed: 1166289840)
        for _ in 0..<100_000 {
            let ms = Int64.random(in: 86_400_000...(Limits.sourceTimeMsMax - 86_400_000), using: &rng)
            let offsetMinutes = Bool.random(using: &rng) ? 0 : Int64.random(in: -(23 * 60 + 59)...(23 * 60 + 59), using: &rng)
            let local = RFC3339.format(ms: ms + offsetMinutes * 60_000)
            var text = String(local.prefix(19))
            let fractionDigits = Int.random(in: 0...12, using: &rng)
            var expected = ms - ms % 1000
            if fractionDigits > 0 {
                var fraction = String(local.dropFirst(20).prefix(3))
                while fraction.count < fractionDigits { fraction += String(Int.random(in: 0...9, using: &rng)) }
                fraction = String(fraction.prefix(fractionDigits))
                text += "." + fraction
                let kept = String((fraction + "00").prefix(3))
                expected += Int64(kept)!
            }
            let separator = ["T", "t", " "].randomElement(using: &rng)!
            text = String(text.prefix(10)) + separator + String(text.dropFirst(11))
            if offsetMinutes == 0 && Bool.random(using: &rng) {
                text += Bool.random(using: &rng) ? "Z" : "z"
            } else {
                let sign = offsetMinutes < 0 ? "-" : "+"
                let m = abs(offsetMinutes)
                text += sign + (m / 60 < 10 ? "0" : "") + String(m / 60) + ":" + (m % 60 < 10 ? "0" : "") + String(m % 60)
            }
            #expect(try RFC3339.parseMs(text) == expected, "\(text) for \(ms)")
        }
    }

    @Test func daysFromCivilMatchesCountingDayByDay() {
        var days: Int64 = 0
        for year in Int64(1970)...2500 {
            for month in Int64(1)...12 {
                let length: Int64
                switch month {
                case 2: length = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
                case 4, 6, 9, 11: length = 30
                default: length = 31
                }
                for day in 1...length {
                    if RFC3339.daysFromCivil(year: year, month: month, day: day) != days {
                        Issue.record("daysFromCivil(\(year)-\(month)-\(day)) != \(days)")
                        return
                    }
                    let civil = RFC3339.civilFromDays(days)
                    if civil.year != year || civil.month != month || civil.day != day {
                        Issue.record("civilFromDays(\(days)) = \(civil), expected \(year)-\(month)-\(day)")
                        return
                    }
                    days += 1
                }
            }
        }
    }

    @Test func calendarRulesAreChecked() throws {
        #expect(try RFC3339.parseMs("2024-02-29T00:00:00Z") == 1_709_164_800_000)
        #expect(failure("2023-02-29T00:00:00Z")?.code == .fieldOutOfRange)
        #expect(failure("2100-02-29T00:00:00Z")?.detail == "day 29 is not 01-28 in 2100-02")
        #expect(failure("2017-04-31T00:00:00Z")?.byteOffset == 8)
        #expect(failure("2017-13-01T00:00:00Z")?.byteOffset == 5)
        #expect(failure("2017-00-01T00:00:00Z")?.detail == "month 00 is not 01-12")
        #expect(failure("2017-01-01T24:00:00Z")?.byteOffset == 11)
        #expect(failure("2017-01-01T23:60:00Z")?.byteOffset == 14)
        #expect(failure("2017-01-01T23:59:61Z")?.byteOffset == 17)
        #expect(failure("2017-01-01T00:00:00+24:00")?.byteOffset == 20)
        #expect(failure("2017-01-01T00:00:00+01:60")?.byteOffset == 23)
    }

    @Test func malformedTextsNameTheOffendingByte() {
        let cases: [(String, RFC3339Error.Code, Int, String)] = [
            ("", .unexpectedEnd, 0, "the year"),
            ("17-05-01T00:00:00Z", .unexpectedByte, 2, "the year"),
            ("2017/05/01T00:00:00Z", .unexpectedByte, 4, "'-' after the year"),
            ("2017-5-01T00:00:00Z", .unexpectedByte, 6, "the month"),
            ("2017-05-01", .unexpectedEnd, 10, "time of day is missing"),
            ("2017-05-01X00:00:00Z", .unexpectedByte, 10, "'T' between date and time"),
            ("2017-05-01T00:00Z", .unexpectedByte, 16, "seconds are required"),
            ("2017-05-01T00:00:00", .missingOffset, 19, "add Z for UTC"),
            ("2017-05-01 00:00:00", .missingOffset, 19, "add Z for UTC"),
            ("2017-05-01T00:00:00.Z", .unexpectedByte, 20, "after the decimal point"),
            ("2017-05-01T00:00:00+0100", .unexpectedByte, 22, "write +01:00"),
            ("2017-05-01T00:00:00ZZ", .trailingContent, 20, "end after the offset"),
            ("2017-05-01T00:00:00 Z", .missingOffset, 19, "found a space"),
            ("1969-12-31T23:59:59Z", .outOfRange, 0, "1970-01-01"),
            ("1970-01-01T00:30:00+01:00", .outOfRange, 0, "outside the range"),
        ]
        for (text, code, offset, fragment) in cases {
            let e = failure(text)
            #expect(e?.code == code, "\(text): \(String(describing: e))")
            #expect(e?.byteOffset == offset, "\(text): \(String(describing: e))")
            #expect(e?.detail.contains(fragment) == true, "\(text): \(String(describing: e))")
        }
        #expect(failure("2017-05-01T00:00:00")?.description
            == "'2017-05-01T00:00:00' is not an RFC 3339 time: at byte 19, the time has no offset; add Z for UTC or the local offset such as +01:00; write times like 2006-12-16T17:24:00Z or 2006-12-16T17:24:00.250+01:00")
    }

    @Test func bufferAndStringEntryPointsAgree() throws {
        let text = "2016-01-11T17:00:00.250+01:00"
        let viaBytes = try Array(text.utf8).withUnsafeBufferPointer { try RFC3339.parseMs($0) }
        #expect(try RFC3339.parseMs(text) == viaBytes)
        #expect(viaBytes == 1_452_528_000_250)
    }
}
