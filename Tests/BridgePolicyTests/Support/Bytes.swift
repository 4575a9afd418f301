/// The UTF-8 bytes of a string literal: names and messages are bytes in the policy library.
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// `count` bytes of a repeated ASCII character, for names and lines at their length limits.
func bytes(repeating character: Character, count: Int) -> [UInt8] {
    [UInt8](repeating: character.asciiValue!, count: count)
}
