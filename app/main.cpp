#include "confsim/app/commands.hpp"

int main(int argc, char** argv) { return confsim::app::main(argc, argv); }
