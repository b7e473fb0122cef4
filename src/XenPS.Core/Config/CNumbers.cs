namespace XenPS.Config;

/// <summary>
/// The C library number conversions xl relies on (<c>strtol(s, &amp;end, 0)</c>, <c>strtoul</c>), reproduced so that
/// XenPS reads a value exactly as xl would: <c>0x80</c> is 128, <c>0400</c> is 256, <c>08</c> is not a number.
/// </summary>
internal static class CNumbers
{
    /// <summary>C <c>isspace</c> in the C locale.</summary>
    public static bool IsCSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';

    /// <summary>
    /// <c>strtol</c>/<c>strtoul</c>-like scan. Returns the number of characters consumed (0 when no conversion),
    /// the value, and whether it overflowed a signed 64-bit value.
    /// </summary>
    public static int Scan(string s, int start, int maxLength, int numberBase, out long value, out bool overflow)
    {
        value = 0;
        overflow = false;
        int end = Math.Min(s.Length, start + maxLength);
        int i = start;
        while (i < end && IsCSpace(s[i]))
        {
            i++;
        }

        bool negative = false;
        if (i < end && (s[i] == '+' || s[i] == '-'))
        {
            negative = s[i] == '-';
            i++;
        }

        int b = numberBase;
        if ((b == 0 || b == 16) && i + 1 < end && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X') && i + 2 < end && DigitValue(s[i + 2]) is int d0 && d0 < 16)
        {
            i += 2;
            b = 16;
        }
        else if (b == 0)
        {
            b = i < end && s[i] == '0' ? 8 : 10;
        }

        int digitsStart = i;
        decimal acc = 0;
        while (i < end && DigitValue(s[i]) is int d && d < b)
        {
            if (!overflow)
            {
                acc = (acc * b) + d;
                if (acc > long.MaxValue)
                {
                    overflow = true;
                }
            }

            i++;
        }

        if (i == digitsStart)
        {
            value = 0;
            return 0;
        }

        if (overflow)
        {
            value = negative ? long.MinValue : long.MaxValue;
        }
        else
        {
            value = negative ? -(long)acc : (long)acc;
        }

        return i - start;
    }

    /// <summary>
    /// xlu_cfg_get_long: the whole string must convert with <c>strtol(s, &amp;end, 0)</c>, nothing may follow, no overflow.
    /// </summary>
    public static long? ParseLong(string s)
    {
        int n = Scan(s, 0, s.Length, 0, out long v, out bool overflow);
        if (n == 0 || n != s.Length || overflow)
        {
            return null;
        }

        return v;
    }

    private static int? DigitValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'z' => c - 'a' + 10,
        >= 'A' and <= 'Z' => c - 'A' + 10,
        _ => null,
    };
}
