data "aws_ssm_parameter" "al2023" {
  name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
}

locals {
  kms_host = "kms.${data.aws_region.current.name}.amazonaws.com"

  # The only destination the enclave can reach through the parent: the regional KMS endpoint.
  vsock_proxy_allowlist = [{ address = local.kms_host, port = 443 }]

  # Instances start only once an EIF and its PCR0 are known (second apply).
  ready_to_run     = var.eif_s3_uri != null && var.parent_host_s3_uri != null && length(var.enclave_pcr0_values) > 0
  desired_capacity = local.ready_to_run ? var.instance_count : 0

  user_data = templatefile("${path.module}/templates/user-data.yaml.tftpl", {
    name                  = var.name
    region                = data.aws_region.current.name
    kms_host              = local.kms_host
    vsock_proxy_config    = yamlencode({ allowlist = local.vsock_proxy_allowlist })
    vsock_proxy_port      = var.vsock_proxy_port
    enclave_cid           = var.enclave_cid
    enclave_vsock_port    = var.enclave_vsock_port
    enclave_cpu_count     = var.enclave_cpu_count
    enclave_memory_mib    = var.enclave_memory_mib
    eif_s3_uri            = coalesce(var.eif_s3_uri, "s3://unset/unset")
    eif_sha256            = coalesce(var.eif_sha256, "unset")
    parent_host_s3_uri    = coalesce(var.parent_host_s3_uri, "s3://unset/unset")
    parent_host_sha256    = coalesce(var.parent_host_sha256, "unset")
    db_host               = aws_db_instance.this.address
    db_port               = aws_db_instance.this.port
    db_name               = aws_db_instance.this.db_name
    db_user               = aws_db_instance.this.username
    db_secret_arn         = aws_db_instance.this.master_user_secret[0].secret_arn
    db_service_user       = local.db_service_role
    db_service_secret_arn = aws_secretsmanager_secret.db_service.arn
    log_group_parent_host = aws_cloudwatch_log_group.this["parent_host"].name
    log_group_vsock_proxy = aws_cloudwatch_log_group.this["vsock_proxy"].name
    log_group_nitro       = aws_cloudwatch_log_group.this["nitro_enclave"].name
    log_group_boot        = aws_cloudwatch_log_group.this["boot"].name
    metrics_namespace     = "nitrosign/${var.name}"
    public_base_url       = var.public_base_url
  })
}

resource "aws_launch_template" "this" {
  name_prefix   = "${var.name}-"
  description   = "nitrosign parent host with a Nitro Enclave"
  image_id      = coalesce(var.ami_id, data.aws_ssm_parameter.al2023.value)
  instance_type = var.instance_type
  user_data     = base64encode(local.user_data)

  enclave_options {
    enabled = true
  }

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
    instance_metadata_tags      = "disabled"
  }

  iam_instance_profile {
    arn = aws_iam_instance_profile.instance.arn
  }

  vpc_security_group_ids = [aws_security_group.app.id]

  block_device_mappings {
    device_name = "/dev/xvda"

    ebs {
      volume_size           = var.root_volume_size_gib
      volume_type           = "gp3"
      encrypted             = true
      kms_key_id            = var.ebs_kms_key_arn
      delete_on_termination = true
    }
  }

  monitoring {
    enabled = true
  }

  tag_specifications {
    resource_type = "instance"
    tags          = merge(local.tags, { Name = "${var.name}-parent-host" })
  }

  tag_specifications {
    resource_type = "volume"
    tags          = local.tags
  }

  tags = local.tags
}

resource "aws_autoscaling_group" "this" {
  name                      = var.name
  vpc_zone_identifier       = local.private_subnet_ids
  min_size                  = local.desired_capacity
  max_size                  = local.ready_to_run ? var.instance_count * 2 : 0
  desired_capacity          = local.desired_capacity
  health_check_type         = "ELB"
  health_check_grace_period = 600
  target_group_arns         = [aws_lb_target_group.api.arn]

  launch_template {
    id      = aws_launch_template.this.id
    version = aws_launch_template.this.latest_version
  }

  # A new launch template version (new EIF, new AMI) replaces instances one at a time, starting
  # each new instance before an old one stops: the API keeps serving during an upgrade.
  instance_refresh {
    strategy = "Rolling"

    preferences {
      min_healthy_percentage = 100
      max_healthy_percentage = 200
      instance_warmup        = 300
    }
  }

  dynamic "tag" {
    for_each = merge(local.tags, { Name = "${var.name}-parent-host" })
    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }
}

# ---- API endpoint: an internal load balancer ----------------------------------------------------

resource "aws_lb" "api" {
  name                       = "${var.name}-api"
  internal                   = true
  load_balancer_type         = "application"
  security_groups            = [aws_security_group.lb.id]
  subnets                    = local.private_subnet_ids
  drop_invalid_header_fields = true
  enable_deletion_protection = var.db_deletion_protection
  tags                       = local.tags
}

resource "aws_lb_target_group" "api" {
  name                 = "${var.name}-api"
  port                 = 8443
  protocol             = "HTTPS"
  vpc_id               = local.vpc_id
  deregistration_delay = 30

  # TLS to the instance: the parent host serves HTTPS with a certificate generated at boot
  # (user-data, nitrosign-instance-secrets). An ALB does not validate target certificates: this
  # encrypts the hop inside the VPC against passive capture, it does not authenticate the target.
  # GET /health on the API port: database reachable and enclave READY (the admin port is
  # bound to 127.0.0.1).
  health_check {
    protocol            = "HTTPS"
    port                = "traffic-port"
    path                = "/health"
    matcher             = "200"
    interval            = 15
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = local.tags
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.api.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }

  tags = local.tags
}
