package dev.marketingconnector.nats;
