fn main() {
    eprintln!("todo-mcp: not built yet");
    std::process::exit(2);
}
